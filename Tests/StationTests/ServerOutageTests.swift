import Foundation
import PortvaktProtocol
import PortvaktTesting
import ProtocolTesting
import Storage
import Testing

@testable import Station

/// The server stops in the middle of a sync: before the report has reached it, while it stores
/// it, or after it answered but before the answer reaches the station and the key. Whatever the
/// moment, the key deletes only what was acknowledged, and once the server is back every entry the
/// key carried is on it exactly once.
@Suite("Station when the server stops during a sync")
struct ServerOutageTests {
    private static let syncPath = "/api/v1/station/sync"

    /// Entries on the server for the key, by counting the rows ingestion keeps per entry.
    private func entriesStored(_ world: LiveServer) throws -> Int {
        try world.database.read { connection in
            Int(try connection.first("SELECT COUNT(*) AS n FROM event_report_entries")?.integer("n") ?? -1)
        }
    }

    /// Findings still open, or of a kind that means something was refused or lost.
    private func troubling(_ world: LiveServer) throws -> Int {
        try world.database.read { connection in
            Int(
                try connection.first(
                    "SELECT COUNT(*) AS n FROM event_findings WHERE resolved_at IS NULL OR kind <> 'gap'"
                )?.integer("n") ?? -1)
        }
    }

    @Test(
        "the key deletes only what was acknowledged, and after the restart every entry is stored exactly once",
        arguments: TestBackend.all, FaultyRelay.Fault.allCases)
    func serverStops(backend: TestBackend, fault: FaultyRelay.Fault) async throws {
        try await backend.withDatabaseAsync { test in try await serverStops(test, fault: fault) }
    }

    private func serverStops(_ test: TestDatabase, fault: FaultyRelay.Fault) async throws {
        let world = try LiveServer(test.database)
        defer { world.stop() }
        let relay = try FaultyRelay(target: world.port)
        defer { relay.close() }
        let station = try LiveStation(code: try world.createStation(), servers: ["http://127.0.0.1:\(relay.port)"])
        defer { station.store.close() }
        #expect(try await station.dockAndServe("key", serial: "K-100").ready)
        station.daemon.prefetch()
        #expect(try station.store.prefetchedCount() == 1)

        // 300 doors opened: 600 entries, more than one report holds, so the dock takes two rounds.
        var lock = DoorFixture().makeLock(
            id: LiveServer.lockID, clock: TestClock(now: UInt64(Date().timeIntervalSince1970)))
        try station.openDoor("key", &lock, times: 300)
        let carried = try station.carried("key")
        #expect(carried == Array(1...600))

        // The server stops during the second round. The first round was acknowledged, and only its
        // entries left the key; the employee still gets the prefetched credential.
        relay.arm(fault, path: Self.syncPath, passing: 1) { world.stop() }
        let offline = try await station.dockAndServe("key", serial: "K-100")
        #expect(relay.hasStruck == fault)
        #expect(offline.ready, "\(offline.line)")
        let firstRound = ProtocolLimits.maxUploadEntries
        #expect(try station.carried("key") == Array(carried.dropFirst(firstRound)))
        #expect(try station.store.queueStatus().depth == 1)
        let remaining = carried.count - firstRound
        switch fault {
        case .midRequest: #expect(try entriesStored(world) == firstRound)
        case .whileHandling: #expect([firstRound, carried.count].contains(try entriesStored(world)))
        case .answerLost: #expect(try entriesStored(world) == carried.count)
        }

        // Back, the server stops once more while the queue forwards the report; it stays queued.
        try world.restart()
        relay.arm(fault, path: Self.syncPath) { world.stop() }
        station.daemon.forwardQueue()
        #expect(relay.hasStruck == fault)
        #expect(try station.store.queueStatus().depth == 1)
        #expect(station.forwarded.isEmpty)

        // Back for good: the queue forwards the report, and the next dock clears the key.
        try world.restart()
        station.daemon.forwardQueue()
        #expect(try station.store.queueStatus().depth == 0)
        let forwarded = try #require(station.forwarded.first)
        #expect(forwarded.stored + forwarded.known == remaining)
        if fault == .answerLost { #expect(forwarded.known == remaining) }
        if fault == .midRequest { #expect(forwarded.stored == remaining) }
        let back = try await station.dockAndServe("key", serial: "K-100")
        #expect(back.ready)
        #expect(try station.carried("key").isEmpty)
        #expect(try station.store.queueStatus().depth == 0)

        // Every event the lock and the key made is on the server exactly once.
        #expect(try entriesStored(world) == carried.count)
        let lockCounters = try world.events(source: "lock").map(\.counter).sorted()
        #expect(lockCounters == Array(1...Int64(lock.store.state.nextEventCounter - 1)))
        #expect(lock.store.state.deliveredThrough == lock.store.state.nextEventCounter - 1)
        let keyCounters = try world.events(source: "key").map(\.counter).sorted()
        #expect(keyCounters == Array(1...300))
        #expect(try troubling(world) == 0)
    }
}
