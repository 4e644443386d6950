import CredentialIssuer
import Foundation
import KeyCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@testable import Station

@Suite("Simulated key file")
struct KeyFileTests {
    let fixture = DoorFixture()

    /// A key file holding an activation and two carried events.
    private func usedKey(at path: String) throws -> FileKeyStore {
        var store = try FileKeyStore.openOrCreate(path: path, serial: "K-1")
        store.trustAnchors = [fixture.issuerKey.trustAnchor()]
        var core = try SimulatedKey.makeCore(store)
        let now = UInt64(Date().timeIntervalSince1970)
        let issued = try fixture.issuer.issue(
            CredentialRequest(
                keyPublicKey: core.publicKey, issuedAt: now, validFrom: now, validUntil: now + 3_600,
                utcOffsetMinutes: 0, permissions: [Permission(lockID: DoorFixture.lockID(1))]))
        try core.activate(issued.activation(eventRecipient: fixture.intake.eventRecipient, revocationLists: []))
        for byte: UInt8 in [2, 3] {
            var lock = fixture.makeLock(id: DoorFixture.lockID(byte), clock: TestClock(now: now))
            #expect(throws: KeyError.noPermission) { try core.answer(lock.challenge()) }
        }
        try core.store.save()
        return core.store
    }

    @Test("a new key is created with its serial and a key pair, and reads back the same")
    func createAndReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("key")
        let created = try FileKeyStore.openOrCreate(path: path, serial: "K-1")
        let reopened = try FileKeyStore.openOrCreate(path: path, serial: nil)
        #expect(reopened.serial == "K-1")
        #expect(try reopened.privateKey().publicKey == created.privateKey().publicKey)
        #expect(reopened.trustAnchors.isEmpty)
        #expect(reopened.activation == nil)

        var attributes = stat()
        stat(path, &attributes)
        #expect(attributes.st_mode & 0o777 == 0o600)
        #expect(throws: KeyFileError.serialMismatch(path: path, stored: "K-1")) {
            try FileKeyStore.openOrCreate(path: path, serial: "K-2")
        }
        #expect(throws: KeyFileError.missingSerial(path: directory.file("other"))) {
            try FileKeyStore.openOrCreate(path: directory.file("other"), serial: nil)
        }
        #expect(throws: KeyFileError.invalidSerial("two words")) {
            try FileKeyStore.openOrCreate(path: directory.file("other"), serial: "two words")
        }
    }

    @Test("a used key's credential, counters and carried events survive reopening")
    func stateSurvives() throws {
        let directory = try TemporaryDirectory()
        let saved = try usedKey(at: directory.file("key"))
        let reopened = try FileKeyStore.openOrCreate(path: directory.file("key"), serial: "K-1")
        #expect(reopened.activation == saved.activation)
        #expect(reopened.state == saved.state)
        #expect(reopened.uploads == saved.uploads)
        #expect(reopened.uploads.count == 2)
        #expect(reopened.trustAnchors == [fixture.issuerKey.trustAnchor()])
        let events = try reopened.uploads.map { try fixture.intake.openKeyEvent($0.sealed) }
        #expect(events.map(\.kind) == [.noPermission, .noPermission])
    }

    @Test("a write interrupted before its rename leaves the previous state in place")
    func interruptedWrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("key")
        let before = try usedKey(at: path)
        var changed = before
        changed.removeUploads(through: .max)
        #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(changed.encoded, to: path, stopAfter: changed.encoded.count / 2)
        }
        #expect(FileManager.default.fileExists(atPath: path + ".tmp"))
        let reopened = try FileKeyStore.openOrCreate(path: path, serial: nil)
        #expect(reopened.uploads == before.uploads)

        try changed.save()
        #expect(try FileKeyStore.openOrCreate(path: path, serial: nil).uploads.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test("a damaged key file is refused with the reason rather than replaced by a new key")
    func damagedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("key")
        var bytes = try usedKey(at: path).encoded
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeyFileError.damaged(path: path, reason: "its checksum does not match")) {
            try FileKeyStore.openOrCreate(path: path, serial: "K-1")
        }
        try Data(Array("not a key".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeyFileError.damaged(path: path, reason: "it is not a Portvakt simulated key file")) {
            try FileKeyStore.openOrCreate(path: path, serial: "K-1")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(Array("not a key".utf8)))
    }
}
