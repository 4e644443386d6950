import CredentialIssuer
import Crypto
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting

/// The protocol's published test vectors: inputs a manufacturer can feed to their own
/// implementation, and the exact bytes ours produces from them.
struct ProtocolVectors: Codable, Equatable {
    struct Inputs: Codable, Equatable {
        var issuerID: UInt32
        var issuerSeed: String
        var keySeed: String
        var lockID: String
        var otherLockID: String
        var issuedAt: UInt64
        var validFrom: UInt64
        var validUntil: UInt64
        var utcOffsetMinutes: Int16
        var revocationVersion: UInt32
        var lockTimeFloor: UInt64
        var lockNonceSeed: UInt64
        var note: String
    }

    struct DoorCase: Codable, Equatable {
        var name: String
        var lockClock: UInt64
        var challenge: String
        var presentation: String
        var transcript: String
        var decision: String
        var reason: UInt8
    }

    var description: String
    var inputs: Inputs
    var issuerPublicKey: String
    var issuerKeyID: String
    var keyPublicKey: String
    var keyID: String
    var permissions: [String]
    var permissionRoot: String
    var credential: String
    var revocationList: String
    var doors: [DoorCase]
    var eventBatchPlaintext: String
    var eventChainHead: String
    var activation: String
    var syncHello: String
    var syncReport: String
    var eventAck: String
    var keyEventPlaintext: String
}

extension ProtocolVectors {
    static let fileName = "protocol-v1.json"

    static let defaultInputs = Inputs(
        issuerID: 1, issuerSeed: String(repeating: "11", count: 32), keySeed: String(repeating: "44", count: 32),
        lockID: String(repeating: "a1", count: 16), otherLockID: String(repeating: "b2", count: 16),
        issuedAt: DoorFixture.monday0800, validFrom: DoorFixture.monday0800,
        validUntil: DoorFixture.monday0800 + 28_800,
        utcOffsetMinutes: 60, revocationVersion: 1, lockTimeFloor: DoorFixture.monday0800 - 86_400, lockNonceSeed: 7,
        note: "Permissions: lock A Mondays 09:00-10:00 local, lock A visit window 12:00-12:30 UTC, lock B always. "
            + "The lock offers revocationUpdate, weeklySchedules and visitWindows but not eventHandoff, so that "
            + "decisions carry no randomised sealed box. Door case i takes its nonce from SplitMix64 seeded with lockNonceSeed + i, one output byte per draw."
    )

    /// The permissions the inputs describe.
    static func permissions(_ inputs: Inputs) -> [Permission] {
        let lockA = LockID(hex(inputs.lockID))!
        let lockB = LockID(hex(inputs.otherLockID))!
        return [
            Permission(lockID: lockA, schedule: .weekly([WeeklySlot(days: 0b1, startMinute: 540, endMinute: 600)])),
            Permission(
                lockID: lockA, schedule: .visit(notBefore: inputs.issuedAt + 14_400, notAfter: inputs.issuedAt + 16_200)
            ),
            Permission(lockID: lockB),
        ]
    }

    /// Builds every vector from the inputs with our issuer, key and lock.
    static func generate(_ inputs: Inputs) throws -> ProtocolVectors {
        let crypto = SodiumProtocolCrypto()
        let issuerKey = IssuerSigningKey(
            issuerID: inputs.issuerID, privateKey: try Ed25519.PrivateKey(seed: hex(inputs.issuerSeed)))
        let keyPrivate = try Ed25519.PrivateKey(seed: hex(inputs.keySeed))
        let issued = try CredentialIssuer(signingKey: issuerKey).issue(
            CredentialRequest(
                keyPublicKey: keyPrivate.publicKey, issuedAt: inputs.issuedAt, validFrom: inputs.validFrom,
                validUntil: inputs.validUntil, utcOffsetMinutes: inputs.utcOffsetMinutes,
                revocationVersion: inputs.revocationVersion, permissions: permissions(inputs)))
        var builder = RevocationListBuilder(signingKey: issuerKey)
        builder.block(KeyID([UInt8](repeating: 0xEE, count: 16))!, at: inputs.issuedAt - 60)
        let list = builder.build(now: inputs.issuedAt)

        let sealing = try SealedBox.PrivateKey(seed: [UInt8](repeating: 0x33, count: 32))
        let lockID = LockID(hex(inputs.lockID))!
        let doorTimes: [(String, UInt64)] = [
            ("opens in the weekly slot (Monday 09:30 local)", inputs.issuedAt + 1_800),
            ("opens in the visit window (12:10 UTC)", inputs.issuedAt + 15_000),
            ("refused outside both (11:00 UTC)", inputs.issuedAt + 10_800),
            ("refused after expiry", inputs.validUntil + 301),
        ]
        var doors: [DoorCase] = []
        var store = InMemoryLockStore(timeFloor: inputs.lockTimeFloor)
        for (index, (name, time)) in doorTimes.enumerated() {
            let clock = TestClock(now: time)
            var lock = try LockCore(
                configuration: LockConfiguration(
                    lockID: lockID, trustAnchors: [issuerKey.trustAnchor()], eventRecipient: sealing.publicKey,
                    capabilities: [.revocationUpdate, .weeklySchedules, .visitWindows]),
                crypto: crypto, random: SeededRandom(seed: inputs.lockNonceSeed + UInt64(index)), clock: clock,
                store: store)
            let challenge = lock.challenge()
            var key = TestKey(
                configuration: .init(trustAnchors: [issuerKey.trustAnchor()]), crypto: crypto,
                signer: SodiumSigner(keyPrivate), clock: clock, store: InMemoryKeyStore())
            try key.activate(issued.activation(eventRecipient: sealing.publicKey, revocationLists: [list]))
            let presentation = try key.answer(challenge).presentation
            let decision = lock.decide(presentation)
            let transcript = try Presentation.decode(presentation).transcript(challenge: challenge)
            doors.append(
                DoorCase(
                    name: name, lockClock: time, challenge: hexString(challenge), presentation: hexString(presentation),
                    transcript: hexString(transcript), decision: hexString(decision.encoded),
                    reason: decision.reason.rawValue))
            store = lock.store
        }

        let hello = SyncHello(nonce: [UInt8](repeating: 0x5A, count: 32), stationTime: inputs.validUntil + 600)
        let reportKeyClock = TestClock(now: inputs.validUntil + 590)
        var reportingKey = TestKey(
            configuration: .init(trustAnchors: [issuerKey.trustAnchor()]), crypto: crypto,
            signer: SodiumSigner(keyPrivate), clock: reportKeyClock, store: InMemoryKeyStore())
        let report = try reportingKey.report(
            hello: hello.encoded, battery: BatteryReading(percent: 64, millivolts: 3_850))
        let intake = EventIntake(sealingKey: sealing, signingKey: issuerKey)
        let keyEvent = KeyEvent(
            counter: 1, time: inputs.issuedAt + 1_800, kind: .passage, reason: .granted, detail: 1, lockID: lockID)
        let events = store.events.map(\.event)
        let batch = EventBatch(
            lockID: lockID, previousChainHash: [UInt8](repeating: 0, count: 32), lostCount: 0, events: events)
        return ProtocolVectors(
            description:
                "Portvakt credential protocol version 1 test vectors. All integers little-endian; see docs/protocol.md.",
            inputs: inputs, issuerPublicKey: hexString(issuerKey.publicKey),
            issuerKeyID: hexString(issuerKey.keyID.bytes),
            keyPublicKey: hexString(keyPrivate.publicKey),
            keyID: hexString(crypto.keyID(for: keyPrivate.publicKey).bytes),
            permissions: issued.permissions.map { hexString($0.encoded) },
            permissionRoot: hexString(issued.credential.permissionRoot),
            credential: hexString(issued.credential.encoded), revocationList: hexString(list.encoded), doors: doors,
            eventBatchPlaintext: hexString(batch.encoded), eventChainHead: hexString(store.state.chainHead),
            activation: hexString(issued.activation(eventRecipient: sealing.publicKey, revocationLists: [list])),
            syncHello: hexString(hello.encoded), syncReport: hexString(report),
            eventAck: hexString(
                intake.acknowledge(keyID: crypto.keyID(for: keyPrivate.publicKey), through: 0, hello: hello)),
            keyEventPlaintext: hexString(keyEvent.encoded))
    }
}
