import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("The lock's event log")
struct EventLogTests {
    @Test("every decision gets the next counter and extends the hash chain")
    func countersAndChain() throws {
        var scenario = try Scenario()
        for _ in 0..<3 { _ = scenario.lock.decide([1, 2, 3]) }
        let events = scenario.lock.store.events
        #expect(events.map(\.event.counter) == [1, 2, 3])
        #expect(events.allSatisfy { $0.event.kind == .refused && $0.event.reason == .noChallenge })
        var head = [UInt8](repeating: 0, count: 32)
        for stored in events {
            #expect(stored.chainBefore == head)
            head = stored.event.chained(after: head, hasher: scenario.lock.crypto)
        }
        #expect(head == scenario.lock.store.state.chainHead)
    }

    @Test("an overflow of undelivered events is reported as a gap in the next batch")
    func overflowIsAGap() throws {
        var scenario = try Scenario()
        scenario.lock = scenario.fixture.makeLock(id: scenario.lockID, clock: scenario.clock, eventCapacity: 8)
        for _ in 0..<12 { _ = scenario.lock.decide([]) }
        #expect(scenario.lock.store.state.lostUndelivered == 4)

        let run = try runDoor(key: &scenario.key, lock: &scenario.lock)
        let carried = try #require(scenario.key.store.uploads.first { $0.kind == .lockBatch })
        let batch = try scenario.fixture.intake.openLockBatch(carried.sealed)
        #expect(batch.lostCount == 5)
        #expect(batch.events.first?.counter == 6)
        #expect(batch.events.last?.counter == run.decision.eventCounter)
        #expect(scenario.lock.store.state.lostUndelivered == 0)
    }

    @Test("delivered events make room without counting as lost")
    func deliveredMakeRoom() throws {
        var scenario = try Scenario()
        scenario.lock = scenario.fixture.makeLock(id: scenario.lockID, clock: scenario.clock, eventCapacity: 4)
        for _ in 0..<6 { _ = try runDoor(key: &scenario.key, lock: &scenario.lock) }
        #expect(scenario.lock.store.state.lostUndelivered == 0)
        #expect(scenario.lock.store.state.deliveredThrough == 6)
    }

    @Test("a receipt outside an authenticated session is refused and delivers nothing")
    func receiptNeedsAuthentication() throws {
        var scenario = try Scenario()
        _ = scenario.lock.decide([])
        let challenge = try Challenge.decode(scenario.lock.challenge())
        let forged = EventReceipt(
            version: 1, nonceEcho: challenge.nonce, upToCounter: 1, signature: [UInt8](repeating: 0, count: 64))
        #expect(scenario.lock.acceptReceipt(forged.encoded) == .notAuthenticated)
        #expect(scenario.lock.store.state.deliveredThrough == 0)
    }

    @Test("a refused but authenticated key still carries the log away")
    func refusedKeyCarries() throws {
        var scenario = try Scenario(permissions: [
            Permission(lockID: DoorFixture.lockID(0xA1), schedule: .visit(notBefore: 0, notAfter: 1))
        ])
        let run = try runDoor(key: &scenario.key, lock: &scenario.lock)
        #expect(run.decision.reason == .outsideSchedule)
        #expect(!run.decision.sealedEvents.isEmpty)
        #expect(run.statuses.last == .granted)
    }
}
