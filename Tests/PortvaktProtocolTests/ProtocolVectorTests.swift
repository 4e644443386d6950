import Crypto
import Foundation
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting
import Testing

@Suite("Protocol test vectors, in both directions")
struct ProtocolVectorTests {
    private let url = vectorDirectory.appendingPathComponent(ProtocolVectors.fileName)

    private func stored() throws -> ProtocolVectors {
        if writingVectors {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(try ProtocolVectors.generate(ProtocolVectors.defaultInputs)) + Data("\n".utf8))
                .write(to: url)
        }
        return try JSONDecoder().decode(ProtocolVectors.self, from: Data(contentsOf: url))
    }

    @Test("encoding the stored inputs reproduces every stored byte")
    func encodeMatches() throws {
        let file = try stored()
        let regenerated = try ProtocolVectors.generate(file.inputs)
        #expect(regenerated.credential == file.credential)
        #expect(regenerated.permissions == file.permissions)
        #expect(regenerated.revocationList == file.revocationList)
        #expect(regenerated.eventBatchPlaintext == file.eventBatchPlaintext)
        #expect(regenerated == file)
    }

    @Test("the stored credential decodes and its issuer signature verifies against the stored key")
    func credentialVerifies() throws {
        let file = try stored()
        let credential = try Credential.decode(hex(file.credential))
        #expect(credential.encoded == hex(file.credential))
        #expect(
            Ed25519.verify(
                signature: credential.signature, message: credential.signedMessage, publicKey: hex(file.issuerPublicKey)
            ))
        #expect(credential.issuerKeyID.bytes == hex(file.issuerKeyID))
        #expect(credential.keyID.bytes == hex(file.keyID))
        #expect(credential.permissionRoot == hex(file.permissionRoot))
        let leaves = file.permissions.map(hex)
        #expect(MerkleTree(leaves: leaves, hasher: SodiumProtocolCrypto()).root == credential.permissionRoot)
        #expect(try leaves.map { try Permission.decode($0).encoded } == leaves)
    }

    @Test("the stored activation, sync messages and key event decode, verify and re-encode to the same bytes")
    func syncVerifies() throws {
        let file = try stored()
        let activation = try Activation.decode(hex(file.activation))
        #expect(activation.encoded == hex(file.activation))
        #expect(activation.credential.encoded == hex(file.credential))
        #expect(activation.permissions.map { $0.encoded } == file.permissions.map(hex))

        let report = try SyncReport.decode(hex(file.syncReport))
        #expect(report.encoded == hex(file.syncReport))
        #expect(report.batteryPercent == 64)
        #expect(
            Ed25519.verify(
                signature: report.signature, message: report.transcript(hello: hex(file.syncHello)),
                publicKey: hex(file.keyPublicKey)))
        let ack = try EventAck.decode(hex(file.eventAck))
        #expect(ack.encoded == hex(file.eventAck))
        #expect(
            Ed25519.verify(signature: ack.signature, message: ack.signedMessage, publicKey: hex(file.issuerPublicKey)))
        #expect(ack.nonceEcho == (try SyncHello.decode(hex(file.syncHello))).nonce)
        #expect(try KeyEvent.decode(hex(file.keyEventPlaintext)).encoded == hex(file.keyEventPlaintext))
    }

    @Test("the stored revocation list decodes and verifies")
    func revocationVerifies() throws {
        let file = try stored()
        let list = try RevocationList.decode(hex(file.revocationList))
        #expect(list.encoded == hex(file.revocationList))
        #expect(
            Ed25519.verify(signature: list.signature, message: list.signedMessage, publicKey: hex(file.issuerPublicKey))
        )
    }

    @Test("each stored door transcript verifies, and a fresh lock fed the stored presentation decides the stored way")
    func doorsDecide() throws {
        let file = try stored()
        let crypto = SodiumProtocolCrypto()
        #expect(file.doors.count == 4)
        for door in file.doors {
            let presentation = try Presentation.decode(hex(door.presentation))
            let transcript = presentation.transcript(challenge: hex(door.challenge))
            #expect(transcript == hex(door.transcript), "\(door.name)")
            #expect(
                Ed25519.verify(
                    signature: presentation.signature, message: transcript, publicKey: hex(file.keyPublicKey)))
            #expect(
                MerkleTree.verify(
                    leaf: presentation.permission.encoded, index: Int(presentation.leafIndex),
                    count: Int(presentation.credential.permissionCount), siblings: presentation.proof,
                    root: hex(file.permissionRoot), hasher: crypto))
            let decision = try Decision.decode(hex(door.decision))
            #expect(decision.reason.rawValue == door.reason)
        }
        // Replaying the stored presentations into locks that issue the stored challenges.
        var store = InMemoryLockStore(timeFloor: file.inputs.lockTimeFloor)
        for (index, door) in file.doors.enumerated() {
            var lock = try LockCore(
                configuration: LockConfiguration(
                    lockID: LockID(hex(file.inputs.lockID))!,
                    trustAnchors: [
                        TrustAnchor(
                            issuerID: file.inputs.issuerID, keyID: IssuerKeyID(hex(file.issuerKeyID))!,
                            publicKey: hex(file.issuerPublicKey), notBefore: 0, notAfter: .max)
                    ],
                    eventRecipient: [UInt8](repeating: 9, count: 32),
                    capabilities: [.revocationUpdate, .weeklySchedules, .visitWindows]),
                crypto: crypto, random: SeededRandom(seed: file.inputs.lockNonceSeed + UInt64(index)),
                clock: TestClock(now: door.lockClock), store: store)
            #expect(lock.challenge() == hex(door.challenge), "\(door.name)")
            #expect(lock.decide(hex(door.presentation)).encoded == hex(door.decision), "\(door.name)")
            store = lock.store
        }
        let batch = try EventBatch.decode(hex(file.eventBatchPlaintext))
        #expect(batch.events.count == 4)
        #expect(batch.chainLeads(to: hex(file.eventChainHead), hasher: crypto))
        #expect(store.state.chainHead == hex(file.eventChainHead))
    }
}
