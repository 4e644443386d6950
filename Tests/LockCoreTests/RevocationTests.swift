import CredentialIssuer
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Revocation lists")
struct RevocationTests {
    @Test("a colleague's key carries the block to the lock, and the blocked key is then refused")
    func blockTravelsWithKeys() throws {
        var scenario = try Scenario()
        var builder = RevocationListBuilder(signingKey: scenario.fixture.issuerKey)
        builder.block(scenario.key.keyID, at: Scenario.start + 60)
        let list = builder.build(now: Scenario.start + 60)

        var colleague = scenario.fixture.makeKey(seed: 0x55, clock: scenario.clock)
        try scenario.fixture.activate(
            &colleague, permissions: [Permission(lockID: scenario.lockID)], revocationLists: [list])
        let run = try runDoor(key: &colleague, lock: &scenario.lock)

        #expect(run.decision.opened)
        #expect(run.statuses.first == .granted)
        #expect(scenario.lock.store.revocationLists.first?.version == 1)
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .revoked)
        #expect(scenario.lock.store.events.contains { $0.event.kind == .revocationInstalled })
    }

    @Test("the lock keeps only the newest list and ignores an older or equal version")
    func newestWins() throws {
        var scenario = try Scenario()
        var builder = RevocationListBuilder(signingKey: scenario.fixture.issuerKey)
        let first = RevocationUpdate.encode(builder.build(now: Scenario.start))
        let second = RevocationUpdate.encode(builder.build(now: Scenario.start + 1))
        _ = scenario.lock.challenge()
        #expect(scenario.lock.installRevocationList(second) == .granted)
        #expect(scenario.lock.installRevocationList(first) == .staleRevocationList)
        #expect(scenario.lock.installRevocationList(second) == .staleRevocationList)
        #expect(scenario.lock.store.revocationLists.map(\.version) == [2])
    }

    @Test("a block refuses credentials issued before it and not a fresh one issued after")
    func blockIsBoundToIssueTime() throws {
        var scenario = try Scenario()
        var builder = RevocationListBuilder(signingKey: scenario.fixture.issuerKey)
        builder.block(scenario.key.keyID, at: Scenario.start + 60)
        _ = scenario.lock.challenge()
        #expect(
            scenario.lock.installRevocationList(RevocationUpdate.encode(builder.build(now: Scenario.start + 60)))
                == .granted)
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .revoked)

        try scenario.fixture.activate(
            &scenario.key, permissions: [Permission(lockID: scenario.lockID)], issuedAt: Scenario.start + 120)
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.opened)
    }

    @Test("a tampered list or one from an untrusted issuer is not installed")
    func untrustedOrTampered() throws {
        var scenario = try Scenario()
        var builder = RevocationListBuilder(signingKey: scenario.fixture.issuerKey)
        var list = builder.build(now: Scenario.start)
        list.credentialsIssuedBefore = .max
        _ = scenario.lock.challenge()
        #expect(scenario.lock.installRevocationList(RevocationUpdate.encode(list)) == .badIssuerSignature)

        var strangerBuilder = RevocationListBuilder(signingKey: DoorFixture(issuerID: 9, issuerSeed: 0x77).issuerKey)
        let foreign = RevocationUpdate.encode(strangerBuilder.build(now: Scenario.start))
        #expect(scenario.lock.installRevocationList(foreign) == .unknownIssuer)
        #expect(scenario.lock.store.revocationLists.isEmpty)
    }

    @Test("entries are dropped once every credential they could refuse has expired")
    func expiredEntriesDrop() throws {
        let fixture = DoorFixture()
        var builder = RevocationListBuilder(signingKey: fixture.issuerKey)
        builder.block(KeyID([UInt8](repeating: 1, count: 16))!, at: 1_000)
        #expect(builder.build(now: 1_000 + 16 * 3_600).entries.count == 1)
        #expect(builder.build(now: 1_001 + 16 * 3_600).entries.isEmpty)
        #expect(builder.credentialsIssuedBefore == 0)
    }

    @Test("a full list is emptied by raising the cut-off: old credentials stop, new users are not refused")
    func fullListCompacts() throws {
        var scenario = try Scenario()
        var builder = RevocationListBuilder(signingKey: scenario.fixture.issuerKey, capacity: 3)
        for byte in UInt8(1)...4 { builder.block(KeyID([UInt8](repeating: byte, count: 16))!, at: Scenario.start + 60) }
        let list = builder.build(now: Scenario.start + 60)
        #expect(list.entries.isEmpty)
        #expect(list.credentialsIssuedBefore == Scenario.start + 61)

        _ = scenario.lock.challenge()
        #expect(scenario.lock.installRevocationList(RevocationUpdate.encode(list)) == .granted)
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .revoked)

        var newcomer = scenario.fixture.makeKey(seed: 0x56, clock: scenario.clock)
        try scenario.fixture.activate(
            &newcomer, permissions: [Permission(lockID: scenario.lockID)], issuedAt: Scenario.start + 61)
        #expect(try runDoor(key: &newcomer, lock: &scenario.lock).decision.opened)
    }

    @Test("an encoded list above 1,024 entries or out of order is malformed")
    func listLimits() throws {
        let fixture = DoorFixture()
        var builder = RevocationListBuilder(signingKey: fixture.issuerKey)
        var list = builder.build(now: 1)
        list.entries = [
            RevocationEntry(keyID: KeyID([UInt8](repeating: 2, count: 16))!, revokedAt: 1, expiresAt: 2),
            RevocationEntry(keyID: KeyID([UInt8](repeating: 1, count: 16))!, revokedAt: 1, expiresAt: 2),
        ]
        #expect(throws: WireError.invalidField(.revocationOrder)) { try RevocationList.decode(list.encoded) }

        var bytes = list.encoded
        bytes[2] = 0x01
        bytes[3] = 0x04  // 1,025 entries
        #expect(throws: WireError.overLimit(.revocationEntries)) { try RevocationList.decode(bytes) }
    }
}
