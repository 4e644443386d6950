import CredentialIssuer
import Crypto
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto

/// The lock type the tests and the benchmark use.
public typealias TestLock = LockCore<CountingCrypto, SeededRandom, TestClock, InMemoryLockStore>
/// The key type the tests and the benchmark use.
public typealias TestKey = KeyCore<SodiumProtocolCrypto, SodiumSigner, TestClock, InMemoryKeyStore>

/// A small world of deterministic issuer, keys and locks, built from fixed seeds.
public struct DoorFixture: Sendable {
    /// A fixed moment: Monday 2025-03-03 08:00:00 UTC.
    public static let monday0800: UInt64 = 1_740_988_800

    /// The issuer's signing key.
    public let issuerKey: IssuerSigningKey
    /// The issuer's event intake (sealing key and acknowledgements).
    public let intake: EventIntake
    /// The credential issuer.
    public let issuer: CredentialIssuer

    /// An issuer with signing seed `issuerSeed` for issuer `issuerID`.
    public init(issuerID: UInt32 = 1, issuerSeed: UInt8 = 0x11) {
        let signing = try! Ed25519.PrivateKey(seed: [UInt8](repeating: issuerSeed, count: 32))
        issuerKey = IssuerSigningKey(issuerID: issuerID, privateKey: signing)
        let sealing = try! SealedBox.PrivateKey(seed: [UInt8](repeating: issuerSeed &+ 0x22, count: 32))
        intake = EventIntake(sealingKey: sealing, signingKey: issuerKey)
        issuer = CredentialIssuer(signingKey: issuerKey)
    }

    /// A lock identity made of one repeated byte.
    public static func lockID(_ byte: UInt8) -> LockID {
        LockID([UInt8](repeating: byte, count: FieldLength.lockID))!
    }

    /// A lock trusting `anchors` (this issuer's by default).
    public func makeLock(
        id: LockID, clock: TestClock, anchors: [TrustAnchor]? = nil, timeFloor: UInt64 = monday0800 - 86_400,
        eventCapacity: Int = 512, seed: UInt64 = 7, tolerance: UInt64 = 300
    ) -> TestLock {
        let configuration = LockConfiguration(
            lockID: id, trustAnchors: anchors ?? [issuerKey.trustAnchor()], eventRecipient: intake.eventRecipient,
            timeTolerance: tolerance)
        return try! TestLock(
            configuration: configuration, crypto: CountingCrypto(), random: SeededRandom(seed: seed), clock: clock,
            store: InMemoryLockStore(timeFloor: timeFloor, eventCapacity: eventCapacity))
    }

    /// A key whose private key is derived from `seed`.
    public func makeKey(
        seed: UInt8 = 0x44, clock: TestClock, anchors: [TrustAnchor]? = nil, uploadCapacity: Int = 4_096
    )
        -> TestKey
    {
        let signer = SodiumSigner(try! Ed25519.PrivateKey(seed: [UInt8](repeating: seed, count: 32)))
        return TestKey(
            configuration: KeyConfiguration(trustAnchors: anchors ?? [issuerKey.trustAnchor()]),
            crypto: SodiumProtocolCrypto(), signer: signer, clock: clock,
            store: InMemoryKeyStore(uploadCapacity: uploadCapacity))
    }

    /// Issues a shift credential for `key` and writes it into the key.
    @discardableResult
    public func activate(
        _ key: inout TestKey, permissions: [Permission], issuedAt: UInt64 = monday0800, lifetime: UInt64 = 8 * 3_600,
        utcOffsetMinutes: Int16 = 0, revocationLists: [RevocationList] = []
    ) throws -> IssuedCredential {
        let issued = try issuer.issue(
            CredentialRequest(
                keyPublicKey: key.publicKey, issuedAt: issuedAt, validFrom: issuedAt, validUntil: issuedAt + lifetime,
                utcOffsetMinutes: utcOffsetMinutes, permissions: permissions))
        try key.activate(issued.activation(eventRecipient: intake.eventRecipient, revocationLists: revocationLists))
        return issued
    }
}

/// The result of one simulated door transaction.
public struct DoorRun {
    /// The lock's decision.
    public var decision: Decision
    /// What the key made of it.
    public var outcome: DoorOutcome?
    /// Statuses the lock returned for revocation updates and the receipt.
    public var statuses: [ReasonCode]
    /// Bytes sent in each direction.
    public var bytesToKey: Int
    /// Bytes sent from key to lock.
    public var bytesToLock: Int
}

/// Runs a full door transaction between `key` and `lock`, as a radio link would.
public func runDoor(key: inout TestKey, lock: inout TestLock) throws -> DoorRun {
    let challenge = lock.challenge()
    let answer = try key.answer(challenge)
    var statuses: [ReasonCode] = []
    var toLock = 0
    var toKey = challenge.count
    for update in answer.revocationUpdates {
        let status = lock.receive(update)
        statuses.append(try RevocationUpdate.decodeStatus(status))
        toLock += update.count
        toKey += status.count
    }
    let reply = lock.receive(answer.presentation)
    toLock += answer.presentation.count
    toKey += reply.count
    let decision = try Decision.decode(reply)
    let outcome = try key.accept(reply)
    if let receipt = outcome.receipt {
        let status = lock.receive(receipt)
        statuses.append(try RevocationUpdate.decodeStatus(status))
        toLock += receipt.count
        toKey += status.count
    }
    return DoorRun(decision: decision, outcome: outcome, statuses: statuses, bytesToKey: toKey, bytesToLock: toLock)
}
