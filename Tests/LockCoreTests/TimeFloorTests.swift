import CredentialIssuer
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Time floor and clocks")
struct TimeFloorTests {
    private func list(_ fixture: DoorFixture, issuedAt: UInt64) -> [UInt8] {
        var builder = RevocationListBuilder(signingKey: fixture.issuerKey)
        return RevocationUpdate.encode(builder.build(now: issuedAt))
    }

    @Test("a lock without a clock raises its floor to the credential's signed issue time")
    func floorRises() throws {
        var scenario = try Scenario(lockHasClock: false)
        #expect(scenario.lock.store.state.timeFloor == Scenario.start - 86_400)
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.opened)
        #expect(scenario.lock.store.state.timeFloor == Scenario.start)
    }

    @Test("the floor never goes back when an older signed time arrives")
    func floorIsMonotonic() throws {
        var scenario = try Scenario(lockHasClock: false)
        _ = scenario.lock.challenge()
        #expect(scenario.lock.installRevocationList(list(scenario.fixture, issuedAt: Scenario.start + 600)) == .granted)
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.opened)
        #expect(scenario.lock.store.state.timeFloor == Scenario.start + 600)
    }

    @Test("a key whose clock was set back before the lock's floor is refused as a time rollback")
    func keyClockRollback() throws {
        var scenario = try Scenario(lockHasClock: false)
        _ = scenario.lock.challenge()
        _ = scenario.lock.installRevocationList(list(scenario.fixture, issuedAt: Scenario.start + 2 * 3_600))
        scenario.clock.now = Scenario.start + 30 * 60
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .timeRollback)
    }

    @Test("once the floor passes a credential's end it is refused whatever time the key claims")
    func floorExpiresCredential() throws {
        var scenario = try Scenario(lockHasClock: false)
        _ = scenario.lock.challenge()
        _ = scenario.lock.installRevocationList(list(scenario.fixture, issuedAt: Scenario.start + 9 * 3_600))
        scenario.clock.now = Scenario.start + 9 * 3_600
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .expired)
    }

    @Test("a lock whose clock was set back decides by its floor and logs the fault once")
    func lockClockRollback() throws {
        var scenario = try Scenario()
        _ = scenario.lock.challenge()
        _ = scenario.lock.installRevocationList(list(scenario.fixture, issuedAt: Scenario.start + 9 * 3_600))
        scenario.clock.now = Scenario.start + 3_600
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .expired)
        _ = try runDoor(key: &scenario.key, lock: &scenario.lock)
        let faults = scenario.lock.store.events.filter { $0.event.kind == .clockBehindFloor }
        #expect(faults.count == 1)
        let lag: UInt32 = 8 * 3_600
        #expect(faults.first?.event.detail == lag)
    }

    @Test("the tolerance is configurable: zero refuses one second late, ten minutes accepts")
    func configurableTolerance() throws {
        let scenario = try Scenario()
        scenario.clock.now = Scenario.start + 8 * 3_600 + 1
        var strict = scenario.fixture.makeLock(id: scenario.lockID, clock: scenario.clock, tolerance: 0)
        var lenient = scenario.fixture.makeLock(id: scenario.lockID, clock: scenario.clock, tolerance: 600)
        var key = scenario.key
        #expect(try runDoor(key: &key, lock: &strict).decision.reason == .expired)
        #expect(try runDoor(key: &key, lock: &lenient).decision.opened)
    }
}
