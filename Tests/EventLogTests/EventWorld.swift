import Authorization
import CredentialIssuer
import Crypto
import EventLog
import KeyCore
import LockCore
import PortvaktProtocol
import PortvaktServer
import PortvaktTesting
import ProtocolCrypto
import ProtocolTesting
import Storage

/// Locks and keys driven by the real device cores, a migrated database with the keys
/// registered, and an ingestor opening what the keys carry with the fixture's event key.
struct EventWorld {
    static let lockA = DoorFixture.lockID(0xA1)
    static let lockB = DoorFixture.lockID(0xB2)
    /// When the server receives every report, milliseconds: months after the events happen.
    static let receivedAt: Int64 = 1_750_000_000_000

    let fixture = DoorFixture()
    let clock = TestClock(now: DoorFixture.monday0800 + 3_600)
    let database: any Database
    let ingestor: EventIngestor
    let reader = EventReader()
    private var helloCounter: UInt8 = 0

    init(_ test: TestDatabase) throws {
        database = test.database
        try Migrator(migrations: Schema.migrations).migrate(database)
        try DemoData.seed(database)
        ingestor = EventIngestor(intake: fixture.intake, now: { Self.receivedAt })
    }

    /// A key of `provider`, registered on the server, activated for `locks`.
    func key(seed: UInt8, provider: String = "org-norr", locks: [LockID] = [lockA, lockB]) throws -> FieldKey {
        var core = fixture.makeKey(seed: seed, clock: clock)
        try fixture.activate(&core, permissions: locks.sorted().map { Permission(lockID: $0) })
        let id = try AccessStore(database: database).registerKey(provider: provider, serial: "KEY-\(seed)")
        return FieldKey(core: core, serverID: id.rawValue, seed: seed)
    }

    func lock(_ id: LockID) -> TestLock {
        fixture.makeLock(id: id, clock: clock)
    }

    /// A fresh hello, as a station sends one per report.
    mutating func hello() -> SyncHello {
        helloCounter &+= 1
        return SyncHello(nonce: [UInt8](repeating: helloCounter, count: 32), stationTime: clock.unixTime())
    }

    /// The key's report for a new session, verified as the station route will.
    mutating func report(_ key: inout FieldKey) throws -> (SyncReport, SyncHello) {
        let hello = hello()
        let bytes = try key.core.report(hello: hello.encoded, battery: BatteryReading(percent: 80, millivolts: 3_900))
        return (try fixture.intake.verifyReport(bytes, hello: hello.encoded, keyPublicKey: key.core.publicKey), hello)
    }

    /// Ingests `report` as sent by `key`, in one transaction.
    func ingest(_ report: SyncReport, from key: FieldKey) throws -> IngestResult {
        try database.write { connection in
            try ingestor.ingest(
                report: report, key: key.serverID, publicKey: key.core.publicKey, in: connection)
        }
    }

    /// Docks the key: report, ingest, and hand the issuer's acknowledgement back to the key.
    @discardableResult
    mutating func sync(_ key: inout FieldKey) throws -> IngestResult {
        let (report, hello) = try report(&key)
        let result = try ingest(report, from: key)
        if let through = result.acknowledgeThrough {
            _ = try key.core.acknowledge(
                fixture.intake.acknowledge(keyID: key.core.keyID, through: through, hello: hello))
        }
        return result
    }

    /// A report signed by `key` carrying exactly `entries`, as a key with altered firmware
    /// could send.
    mutating func craftedReport(by key: FieldKey, entries: [UploadEntry]) throws -> SyncReport {
        let hello = hello()
        var report = SyncReport(
            keyID: key.core.keyID, batteryPercent: 50, batteryMillivolts: 3_800, keyTime: clock.unixTime(),
            lostOwnEvents: 0, remainingEntries: 0, entries: entries)
        report.signature = key.signer.sign(report.transcript(hello: hello.encoded))
        return try fixture.intake.verifyReport(report.encoded, hello: hello.encoded, keyPublicKey: key.core.publicKey)
    }

    /// Seals `batch` to the server's event key, as anyone can.
    func seal(_ batch: EventBatch) throws -> [UInt8] {
        try seal(bytes: batch.encoded)
    }

    /// Seals any bytes to the server's event key.
    func seal(bytes: [UInt8]) throws -> [UInt8] {
        try SealedBox.seal(bytes, to: fixture.intake.eventRecipient)
    }

    func lockEvents(scope: EventScope = .everything, _ edit: (inout DoorEventFilter) -> Void = { _ in }) throws
        -> [DoorEvent]
    {
        var filter = DoorEventFilter()
        edit(&filter)
        return try database.read { try reader.doorEvents(filter, scope: scope, in: $0) }
    }

    func findings(_ edit: (inout EventFindingFilter) -> Void = { _ in }) throws -> [EventFinding] {
        var filter = EventFindingFilter()
        edit(&filter)
        return try database.read { try reader.findings(filter, in: $0) }
    }
}

/// A key in the field: its device core and its id on the server.
struct FieldKey {
    var core: TestKey
    let serverID: Int64
    let seed: UInt8

    /// The key's own signer, rebuilt from its seed.
    var signer: SodiumSigner {
        SodiumSigner(try! Ed25519.PrivateKey(seed: [UInt8](repeating: seed, count: 32)))
    }

    /// Presents the key at `lock`; when `receipt` is false the receipt never reaches the lock,
    /// so the lock hands the same events to the next key as well.
    @discardableResult
    mutating func open(_ lock: inout TestLock, receipt: Bool = true) throws -> Decision {
        let challenge = lock.challenge()
        let answer = try core.answer(challenge)
        let reply = lock.receive(answer.presentation)
        let decision = try Decision.decode(reply)
        let outcome = try core.accept(reply)
        if receipt, let bytes = outcome.receipt { _ = lock.receive(bytes) }
        return decision
    }
}
