import CredentialIssuer
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Sync: battery, uploads and acknowledgements")
struct SyncTests {
    let fixture = DoorFixture()
    let clock = TestClock(now: DoorFixture.monday0800 + 600)
    /// A challenge from a lock the key holds no permission for.
    private func strangerChallenge(_ byte: UInt8) -> [UInt8] {
        var lock = fixture.makeLock(id: DoorFixture.lockID(byte), clock: clock)
        return lock.challenge()
    }

    let hello = SyncHello(nonce: [UInt8](repeating: 0x5A, count: 32), stationTime: DoorFixture.monday0800 + 600)

    private func keyWithEvents(_ count: Int) throws -> TestKey {
        var key = fixture.makeKey(clock: clock)
        try fixture.activate(&key, permissions: [Permission(lockID: DoorFixture.lockID(1))])
        for index in 0..<count {
            #expect(throws: KeyError.noPermission) {
                try key.answer(strangerChallenge(UInt8(2 + index % 5)))
            }
        }
        return key
    }

    @Test("the report carries the battery level and is signed by the key")
    func batteryInReport() throws {
        var key = try keyWithEvents(2)
        let bytes = try key.report(hello: hello.encoded, battery: BatteryReading(percent: 37, millivolts: 3_712))
        let report = try fixture.intake.verifyReport(bytes, hello: hello.encoded, keyPublicKey: key.publicKey)
        #expect(report.batteryPercent == 37)
        #expect(report.batteryMillivolts == 3_712)
        #expect(report.keyID == key.keyID)
        #expect(report.entries.count == 2)
        #expect(throws: EventIntakeError.badReportSignature) {
            try fixture.intake.verifyReport(
                bytes, hello: SyncHello(nonce: [UInt8](repeating: 1, count: 32), stationTime: 0).encoded,
                keyPublicKey: key.publicKey)
        }
        #expect(throws: KeyError.invalidBatteryReading) {
            try key.report(hello: hello.encoded, battery: BatteryReading(percent: 101, millivolts: 0))
        }
    }

    @Test("carried events stay until the issuer acknowledges them, and only those are deleted")
    func keepUntilAcknowledged() throws {
        var key = try keyWithEvents(3)
        _ = try key.report(hello: hello.encoded, battery: BatteryReading(percent: 80, millivolts: 3_900))
        let deleted = try key.acknowledge(fixture.intake.acknowledge(keyID: key.keyID, through: 2, hello: hello))
        #expect(deleted == 2)
        #expect(key.store.uploads.map(\.sequence) == [3])
    }

    @Test("a forged, foreign or replayed acknowledgement deletes nothing")
    func forgedAcknowledgement() throws {
        var key = try keyWithEvents(3)
        let stranger = DoorFixture(issuerID: 9, issuerSeed: 0x77)
        #expect(throws: KeyError.noPendingSync) {
            try key.acknowledge(fixture.intake.acknowledge(keyID: key.keyID, through: 9, hello: hello))
        }

        _ = try key.report(hello: hello.encoded, battery: BatteryReading(percent: 80, millivolts: 3_900))
        #expect(throws: KeyError.untrustedIssuer) {
            try key.acknowledge(stranger.intake.acknowledge(keyID: key.keyID, through: 9, hello: hello))
        }
        let otherSession = SyncHello(nonce: [UInt8](repeating: 0x11, count: 32), stationTime: 0)
        #expect(throws: KeyError.acknowledgementMismatch) {
            try key.acknowledge(fixture.intake.acknowledge(keyID: key.keyID, through: 9, hello: otherSession))
        }
        var tampered = try EventAck.decode(fixture.intake.acknowledge(keyID: key.keyID, through: 1, hello: hello))
        tampered.acknowledgedThrough = 9
        #expect(throws: KeyError.badIssuerSignature) { try key.acknowledge(tampered.encoded) }
        #expect(key.store.uploads.count == 3)
    }

    @Test("the key's own events are sealed and open to the issuer in order")
    func ownEventsOpen() throws {
        let key = try keyWithEvents(2)
        let events = try key.store.uploads.map { try fixture.intake.openKeyEvent($0.sealed) }
        #expect(events.map(\.counter) == [1, 2])
        #expect(events.allSatisfy { $0.kind == .noPermission })
    }

    @Test("when the key's store is full, lost own events become a gap record")
    func ownEventGap() throws {
        var key = fixture.makeKey(clock: clock, uploadCapacity: 3)
        try fixture.activate(&key, permissions: [Permission(lockID: DoorFixture.lockID(1))])
        for _ in 0..<5 { _ = try? key.answer(strangerChallenge(7)) }
        #expect(key.store.uploads.count == 3)
        #expect(key.store.state.lostOwnEvents == 2)

        _ = try key.report(hello: hello.encoded, battery: BatteryReading(percent: 50, millivolts: 3_800))
        _ = try key.acknowledge(fixture.intake.acknowledge(keyID: key.keyID, through: 3, hello: hello))
        _ = try? key.answer(strangerChallenge(7))
        let events = try key.store.uploads.map { try fixture.intake.openKeyEvent($0.sealed) }
        #expect(events.map(\.kind) == [.gap, .noPermission])
        #expect(events.first?.detail == 2)
        #expect(events.map(\.counter) == [6, 7])
    }

    @Test("a key with no room for a lock's batch sends no receipt, so the lock keeps its events")
    func fullKeyLeavesEventsAtLock() throws {
        var key = fixture.makeKey(clock: clock, uploadCapacity: 257)
        try fixture.activate(&key, permissions: [Permission(lockID: DoorFixture.lockID(1))])
        var lock = fixture.makeLock(id: DoorFixture.lockID(1), clock: clock)
        let run = try runDoor(key: &key, lock: &lock)
        #expect(run.decision.opened)
        #expect(run.outcome?.receipt == nil)
        #expect(lock.store.state.deliveredThrough == 0)
        #expect(!key.store.uploads.contains { $0.kind == .lockBatch })
    }
}
