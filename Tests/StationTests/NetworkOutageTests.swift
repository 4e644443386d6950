import Foundation
import Observability
import PortvaktTesting
import ProtocolTesting
import Testing

@testable import Station

/// The office network is down for an hour of the station's (simulated) time while keys dock, and
/// then it returns: the running daemon, on a clock the test moves, against a real server.
@Suite("Station through an hour without the server")
struct NetworkOutageTests {
    /// The daemon's periodic loops: heartbeat, prefetch and forwarding.
    private static let loops = 3

    @Test(
        "docks meanwhile are served from prefetch; then the queue goes oldest first and heartbeats show it empty",
        arguments: TestBackend.all)
    func hourOffline(backend: TestBackend) async throws {
        try await backend.withDatabaseAsync { test in try await hourOffline(test) }
    }

    private func hourOffline(_ test: TestDatabase) async throws {
        // Simulated time starts two hours back, so every credential issued along it is valid by
        // the keys' and the lock's own clocks, which are real.
        let clock = ManualClock(startingAt: WallTime.now().millisecondsSinceEpoch - 2 * 3_600_000)
        let world = try LiveServer(test.database, keySerials: ["K-100", "K-101"], now: { clock.now })
        defer { world.stop() }
        let station = try LiveStation(
            code: try world.createStation(), servers: [world.address], clock: { clock.now },
            sleep: { try await clock.sleep(for: $0) })
        defer { station.store.close() }
        let stationID = station.identity.stationID

        // The keys' first docks bind and activate them; then the daemon runs on the manual clock.
        #expect(try await station.dockAndServe("a", serial: "K-100").ready)
        #expect(try await station.dockAndServe("b", serial: "K-101").ready)
        let running = Task { try await station.daemon.run() }
        await clock.waitUntilSleeping(Self.loops)
        let start = clock.now
        #expect(try station.store.prefetchedCount() == 2)
        #expect(try station.store.value(.lastHeartbeatAt) == start)
        #expect(try world.station(stationID)["online"] as? Bool == true)

        var lock = DoorFixture().makeLock(
            id: LiveServer.lockID, clock: TestClock(now: UInt64(Date().timeIntervalSince1970)))
        try station.openDoor("a", &lock, times: 5)
        try station.openDoor("b", &lock, times: 3)

        // The link is down for an hour. Keys dock meanwhile: each gets its prefetched credential,
        // its report is queued, and it keeps its entries.
        world.stop()
        await clock.advance(by: .seconds(600), step: .seconds(5), sleepers: Self.loops)
        #expect(try await station.dockKey("a", serial: "K-100").ready)
        try station.openDoor("a", &lock, times: 4)
        await clock.advance(by: .seconds(1_200), step: .seconds(5), sleepers: Self.loops)
        #expect(try await station.dockKey("b", serial: "K-101").ready)
        await clock.advance(by: .seconds(1_200), step: .seconds(5), sleepers: Self.loops)
        #expect(try await station.dockKey("a", serial: "K-100").ready)
        await clock.advance(by: .seconds(600), step: .seconds(5), sleepers: Self.loops)
        #expect(clock.now - start == 3_600_000)

        #expect(try station.carried("a").count == 18)
        #expect(try station.carried("b").count == 6)
        let queued = try station.store.oldestReports(limit: 10)
        #expect(queued.map(\.keySerial) == ["K-100", "K-101", "K-100"])
        #expect(queued.map(\.entryCount) == [10, 6, 18])
        #expect(try station.store.value(.lastHeartbeatAt) == start)
        let failedHeartbeats = station.sink.lines.filter { $0.contains("\"msg\":\"heartbeat failed\"") }
        #expect(failedHeartbeats.count == 120)

        // `portvakt station status` shows the outage: three reports queued since the first dock
        // without the server, and the last heartbeat an hour ago.
        let status = LiveStation.run(["station", "status", "--state", station.directory.file("state")])
        #expect(status.code == 0)
        let shown = status.out.split(separator: "\n").map(String.init)
        #expect(shown.contains("queue:          3 of 100000 reports"))
        #expect(shown.contains("oldest queued:  " + WallTime(millisecondsSinceEpoch: queued[0].queuedAt).iso8601))
        #expect(queued[0].queuedAt == start + 600_000)
        #expect(shown.contains("last heartbeat: " + WallTime(millisecondsSinceEpoch: start).iso8601))

        // The link returns. The server still shows the heartbeat of an hour ago.
        try world.restart()
        let stale = try world.station(stationID)
        #expect(stale["online"] as? Bool == false)
        #expect(stale["lastHeartbeatAt"] as? Int64 == start)

        // Within one forwarding interval the queue goes, oldest first: the third report, a repeat
        // of the first key's entries, is known except for what the key logged since.
        await clock.advance(by: .seconds(5), step: .seconds(5), sleepers: Self.loops)
        #expect(try station.store.queueStatus().depth == 0)
        let forwarded = station.forwarded
        #expect(forwarded.map(\.id) == queued.map { Int($0.id) })
        #expect(forwarded.map { [$0.stored, $0.known] } == [[10, 0], [6, 0], [8, 10]])

        // The next heartbeat shows the station online with an empty queue.
        await clock.advance(by: .seconds(25), step: .seconds(5), sleepers: Self.loops)
        let seen = try world.station(stationID)
        #expect(seen["online"] as? Bool == true)
        #expect(seen["lastHeartbeatAt"] as? Int64 == start + 3_630_000)
        #expect(seen["queueDepth"] as? Int == 0)
        #expect(seen["oldestQueuedAt"] == nil)

        // The keys' next docks are acknowledged and clear them.
        #expect(try await station.dockKey("a", serial: "K-100").ready)
        #expect(try await station.dockKey("b", serial: "K-101").ready)
        #expect(try station.carried("a").isEmpty)
        #expect(try station.carried("b").isEmpty)
        running.cancel()
        try await running.value

        // Every event is on the server exactly once.
        let lockCounters = try world.events(source: "lock").map(\.counter).sorted()
        #expect(lockCounters == Array(1...Int64(lock.store.state.nextEventCounter - 1)))
        let byKey = Dictionary(grouping: try world.events(source: "key"), by: { $0.keyID ?? "" })
        #expect(
            byKey.values.map { $0.map(\.counter).sorted() }.sorted { $0.count > $1.count } == [
                Array(1...9), Array(1...3),
            ])
    }
}
