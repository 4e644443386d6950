import Crypto
import Foundation
import KeyCore
import PortvaktProtocol
import PortvaktServer
import PortvaktTesting
import ProtocolTesting
import StationLink
import Storage
import Testing

@Suite("Syncing keys through the station")
struct StationSyncTests {
    /// A station, a home, and key NORR-1 docked once and activated, so that it logs what it does.
    private func activatedKey(_ world: StationWorld) throws -> (TestStation, TestKey) {
        let station = try world.enrolledStation()
        let recipient = try world.home("S-1", apartment: 0x21, entrance: 0x22)
        try world.employeeWithKey("NORR-1", recipient: recipient)
        var key = world.keyDevice(seed: 0x70)
        _ = try world.dock(&key, serial: "NORR-1", at: station)
        try key.activate(world.bytes(try #require(try world.activation("NORR-1", at: station).activation)))
        return (station, key)
    }

    @Test(
        "a key's report is stored and its acknowledgement verifies on the key, which then deletes what it carried",
        arguments: TestBackend.all)
    func storeAndAcknowledge(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            var (station, key) = try activatedKey(world)
            world.logRefusals(&key, count: 3)
            var lock = world.fixture.makeLock(
                id: DoorFixture.lockID(0x21), clock: TestClock(now: UInt64(world.clock.now / 1000) + 60))
            #expect(try runDoor(key: &key, lock: &lock).decision.opened)
            let carried = key.store.uploads
            #expect(carried.count == 5)
            #expect(carried.contains { $0.kind == .lockBatch })

            let synced = try world.dock(&key, serial: "NORR-1", at: station)
            #expect(synced.status == 200)
            #expect(synced.answer?.stored == 5)
            #expect(synced.answer?.known == 0)
            #expect(synced.answer?.acknowledgedThrough == carried.map(\.sequence).max())
            #expect(synced.deleted == 5)
            #expect(key.store.uploads.isEmpty)

            let (entries, keyEvents, lockEvents) = try world.database.read { connection in
                (
                    try connection.execute("SELECT sequence FROM event_report_entries ORDER BY sequence", []),
                    try connection.execute("SELECT kind FROM key_events ORDER BY counter", []),
                    try connection.execute("SELECT lock_id, kind FROM lock_events ORDER BY counter", [])
                )
            }
            #expect(try entries.map { UInt32(try $0.integer("sequence")) } == carried.map(\.sequence))
            #expect(
                try keyEvents.map { try $0.text("kind") } == [
                    "no_permission", "no_permission", "no_permission", "passage",
                ])
            // The lock installed the revocation list the key carried, then opened.
            let lockIDs = try lockEvents.map { try $0.text("lock_id") }
            let lockKinds = try lockEvents.map { try $0.text("kind") }
            #expect(lockIDs == [StationWorld.lockText(0x21), StationWorld.lockText(0x21)])
            #expect(lockKinds == ["revocation_installed", "opened"])
            let findings = try world.database.read { try $0.first("SELECT COUNT(*) AS n FROM event_findings") }
            #expect(try findings?.integer("n") == 0)
            let state = try world.call("GET", "/api/v1/stations/\(station.id)", bearer: world.norrAdmin)
            #expect(state.json?["lastSyncAt"] as? Int64 == world.clock.now)
        }
    }

    @Test(
        "a lost answer loses nothing: the same report again is known, not stored twice, and still acknowledged",
        arguments: TestBackend.all)
    func idempotentResync(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            var (station, key) = try activatedKey(world)
            world.logRefusals(&key, count: 2)
            let hello = SyncHello(nonce: RandomBytes32.make(), stationTime: 0).encoded
            let report = try key.report(hello: hello, battery: BatteryReading(percent: 70, millivolts: 3_800))
            let request = SyncRequest(
                keySerial: "NORR-1", keyPublicKey: Data(key.publicKey).base64EncodedString(),
                hello: Data(hello).base64EncodedString(), report: Data(report).base64EncodedString())
            let first = try station.send(.sync, request, as: SyncResponse.self)
            #expect(first.answer?.stored == 2)
            #expect(key.store.uploads.count == 2)

            let again = try world.dock(&key, serial: "NORR-1", at: station)
            #expect(again.answer?.stored == 0)
            #expect(again.answer?.known == 2)
            #expect(again.deleted == 2)
            let rows = try world.database.read { try $0.first("SELECT COUNT(*) AS n FROM event_report_entries") }
            #expect(try rows?.integer("n") == 2)
            let events = try world.database.read { try $0.first("SELECT COUNT(*) AS n FROM key_events") }
            #expect(try events?.integer("n") == 2)
        }
    }

    @Test(
        "a key of another provider, or one showing another public key than it enrolled with, is key_unknown",
        arguments: TestBackend.all)
    func unknownKeys(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let (station, _) = try activatedKey(world)
            try world.employeeWithKey("SODER-1", provider: "org-soder")
            var soder = world.keyDevice(seed: 0x71)
            let foreign = try world.dock(&soder, serial: "SODER-1", at: station)
            #expect(foreign.status == 404)
            #expect(foreign.answer == nil)

            var impostor = world.keyDevice(seed: 0x72)
            world.logRefusals(&impostor, count: 1)
            let request = try syncRequest(&impostor, serial: "NORR-1")
            let sent = try station.send(.sync, request, as: SyncResponse.self)
            #expect(sent.status == 404)
            let problem = try JSONSerialization.jsonObject(with: Data(sent.raw.body)) as? [String: Any]
            #expect(problem?["type"] as? String == "urn:portvakt:refusal:key_unknown")
            #expect(
                try world.database.read { try $0.first("SELECT COUNT(*) AS n FROM key_public_keys") }?.integer("n") == 1
            )
        }
    }

    @Test("a report that is not the key's own for this hello is refused with 422", arguments: TestBackend.all)
    func forgedReports(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let (station, _) = try activatedKey(world)
            var key = world.keyDevice(seed: 0x70)
            var request = try syncRequest(&key, serial: "NORR-1")
            request.hello = Data(SyncHello(nonce: RandomBytes32.make(), stationTime: 0).encoded).base64EncodedString()
            #expect(try station.send(.sync, request, as: SyncResponse.self).status == 422)

            var other = try syncRequest(&key, serial: "NORR-1")
            var report = world.bytes(other.report)
            report[report.count - 1] ^= 1
            other.report = Data(report).base64EncodedString()
            #expect(try station.send(.sync, other, as: SyncResponse.self).status == 422)

            var mismatched = try syncRequest(&key, serial: "NORR-1")
            mismatched.keyPublicKey = Data(Ed25519.PrivateKey.generate().publicKey).base64EncodedString()
            #expect(try station.send(.sync, mismatched, as: SyncResponse.self).status == 422)
            let garbage = SyncRequest(keySerial: "NORR-1", keyPublicKey: "AA==", hello: "AA==", report: "!")
            let refused = try station.send(.sync, garbage, as: SyncResponse.self)
            #expect(refused.status == 422)
            #expect(String(decoding: refused.raw.body, as: UTF8.self).contains("keyPublicKey"))
        }
    }

    private func syncRequest(_ key: inout TestKey, serial: String) throws -> SyncRequest {
        let hello = SyncHello(nonce: RandomBytes32.make(), stationTime: 0).encoded
        let report = try key.report(hello: hello, battery: BatteryReading(percent: 70, millivolts: 3_800))
        return SyncRequest(
            keySerial: serial, keyPublicKey: Data(key.publicKey).base64EncodedString(),
            hello: Data(hello).base64EncodedString(), report: Data(report).base64EncodedString())
    }

    @Test(
        "the largest report a key can make reaches the sync route, above the general body limit",
        arguments: TestBackend.all)
    func largestReport(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let key = world.keyDevice(seed: 0x75)
            let entries = (0..<ProtocolLimits.maxUploadEntries).map { index in
                UploadEntry(
                    sequence: UInt32(index + 1), kind: .lockBatch,
                    sealed: [UInt8](repeating: 0xFF, count: ProtocolLimits.maxUploadEntryLength))
            }
            let report = SyncReport(
                keyID: key.keyID, batteryPercent: 100, batteryMillivolts: 4_200, keyTime: UInt64.max,
                lostOwnEvents: UInt32.max, remainingEntries: UInt32.max, entries: entries,
                signature: [UInt8](repeating: 0, count: FieldLength.signature))
            let hello = SyncHello(nonce: RandomBytes32.make(), stationTime: UInt64(world.clock.now / 1000)).encoded
            let request = SyncRequest(
                keySerial: String(repeating: "\u{1}", count: 64),
                keyPublicKey: Data(key.publicKey).base64EncodedString(),
                hello: Data(hello).base64EncodedString(), report: Data(report.encoded).base64EncodedString())
            let sealed = try station.seal(.sync, request)
            // All 0xFF bytes are base64 "////", each written as "\/": the largest such a report gets.
            #expect(sealed.bytes.count > 5 << 20)
            #expect(sealed.bytes.count <= PortvaktApp.maxSyncRequestBytes)

            // The report is not signed, so it is refused, but sealed and for what it says: the
            // body was read whole and opened, not cut off with a 413.
            let answer = try station.post(StationOperation.sync.path, sealed.bytes)
            #expect(answer.status == 422)
            #expect(answer.headers["content-type"] == StationLink.contentType)
            let opened = try station.channel.openResponse(answer.body, requestNonce: sealed.nonce)
            #expect(opened.status == 422)
        }
    }
}
