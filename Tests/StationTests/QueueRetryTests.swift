import Crypto
import Foundation
import Observability
import StationLink
import Testing

@testable import Station

/// Reports the server will not take, or not yet: a rejected one is kept, flagged and shown while
/// the rest go on; one that failed for now is sent again after its backoff, on a clock the test
/// moves.
@Suite("Station queue retries and rejected reports")
struct QueueRetryTests {
    private struct Setup {
        let rig: StationRig
        let api: IssuerBackedAPI
        let clock: ManualClock
    }

    /// A rig on a manual clock whose keys `serials` (kept as `key-<serial>`) each docked once online
    /// and then logged `events` entries that were queued while the server was away, in this order.
    private func offlineQueue(_ serials: [String], events: Int = 3) async throws -> Setup {
        let directory = try TemporaryDirectory()
        let store = try StationStore(directory: directory.path)
        let api = IssuerBackedAPI(store: store)
        let clock = ManualClock(startingAt: WallTime.now().millisecondsSinceEpoch)
        let rig = try StationRig(
            directory: directory, store: store, api: api, serverKeys: api.pinnedKeys, clock: { clock.now })
        let seed = [UInt8](repeating: 9, count: 32)
        try store.saveEnrolment(
            stationID: "stn-test", organisationID: "org-norr", seed: seed,
            publicKey: try Ed25519.PrivateKey(seed: seed).publicKey, serverKeys: api.pinnedKeys,
            addresses: [try ServerAddress(parsing: "http://192.0.2.1")], now: clock.now)
        for serial in serials {
            #expect(try await rig.dockKey("key-\(serial)", serial: serial).ready)
            try rig.addEvents(to: "key-\(serial)", count: events)
        }
        api.setOnline(false)
        for serial in serials {
            _ = try await rig.dockKey("key-\(serial)", serial: serial)
        }
        api.setOnline(true)
        #expect(try store.queueStatus().depth == serials.count)
        return Setup(rig: rig, api: api, clock: clock)
    }

    /// The entries the server took from each key, in the order they arrived (a repeat would show
    /// twice), leaving out the empty reports of the keys' first docks.
    private func delivered(_ api: IssuerBackedAPI) -> [String: [UInt32]] {
        api.state.withLock { state in
            Dictionary(grouping: state.reports.filter { !$0.sequences.isEmpty }, by: \.serial)
                .mapValues { $0.flatMap(\.sequences) }
        }
    }

    @Test("a report the server rejects is kept and flagged, and the reports behind it are delivered")
    func poisonedReport() async throws {
        let setup = try await offlineQueue(["K-A", "K-B", "K-C"])
        let (rig, api, clock) = (setup.rig, setup.api, setup.clock)
        api.state.withLock {
            $0.syncFailures["K-A"] = StationError(
                .refused, "the server refused sync: the report names another key", cause: "HTTP 422")
        }

        rig.daemon.forwardQueue()
        #expect(delivered(api) == ["K-B": [1, 2, 3], "K-C": [1, 2, 3]])
        let status = try rig.store.queueStatus()
        #expect(status.depth == 1)
        #expect(status.rejected == 1)
        let rejected = try rig.store.rejectedReports()
        #expect(rejected.map(\.keySerial) == ["K-A"])
        #expect(rejected.first?.rejectedAt == clock.now)
        #expect(rejected.first?.lastError?.contains("names another key") == true)
        #expect(rig.sink.lines.contains { $0.contains("server rejected a queued report") && $0.contains("K-A") })

        // Hours later it has not been sent again on its own, and the key still holds its entries.
        await clock.advance(by: .seconds(7_200), step: .seconds(3_600), sleepers: 0)
        rig.daemon.forwardQueue()
        #expect(try rig.store.rejectedReports().count == 1)
        #expect(delivered(api)["K-A"] == nil)
        #expect(try rig.key("key-K-A").uploads.count == 3)
        rig.daemon.sendHeartbeat()
        #expect(rig.sink.lines.contains { $0.contains("rejected reports wait for an operator") })
        let beat = api.state.withLock { $0.heartbeats.last }
        #expect(beat?.queueDepth == 1)
        #expect(beat?.rejectedReports == 1)

        // Status lists it with its number and the server's reason.
        let shown = LiveStation.run(["station", "status", "--state", rig.directory.path])
        #expect(shown.code == 0)
        #expect(shown.out.contains("queue:          1 of 100000 reports (1 rejected)"))
        #expect(shown.out.contains("rejected:       report \(rejected[0].id), key K-A, 3 entries"))
        #expect(shown.out.contains("names another key"))

        // Once the cause is fixed the operator puts it back in line, and it goes exactly once.
        api.state.withLock { $0.syncFailures = [:] }
        let retried = LiveStation.run(["station", "retry-rejected", "--state", rig.directory.path])
        #expect(retried.code == 0)
        #expect(retried.out.contains("1 rejected report put back in line"))
        rig.daemon.forwardQueue()
        #expect(try rig.store.queueStatus().depth == 0)
        #expect(delivered(api) == ["K-A": [1, 2, 3], "K-B": [1, 2, 3], "K-C": [1, 2, 3]])
    }

    @Test("a report rejected while its key is docked is kept for the operator, who may discard it")
    func rejectedAtDock() async throws {
        let setup = try await offlineQueue(["K-A"], events: 2)
        let (rig, api) = (setup.rig, setup.api)
        api.state.withLock {
            $0.syncFailures["K-A"] = StationError(.refused, "the server refused sync: Key unknown", cause: "HTTP 404")
        }
        _ = try await rig.dockKey("key-K-A", serial: "K-A")
        #expect(try rig.store.queueStatus().depth == 2)
        #expect(try rig.store.rejectedReports().count == 1)
        rig.daemon.forwardQueue()
        let rejected = try rig.store.rejectedReports()
        try #require(rejected.count == 2)
        #expect(try rig.key("key-K-A").uploads.count == 2)

        let refused = LiveStation.run(["station", "discard-rejected", "--state", rig.directory.path])
        #expect(refused.code != 0)
        let discarded = LiveStation.run(
            ["station", "discard-rejected", "--state", rig.directory.path, "--id", String(rejected[0].id)])
        #expect(discarded.code == 0)
        #expect(try rig.store.rejectedReports().map(\.id) == [rejected[1].id])
    }

    @Test("a report that fails for now waits out its backoff, doubling, while the next goes; then it is delivered")
    func transientFailure() async throws {
        let setup = try await offlineQueue(["K-A", "K-B"])
        let (rig, api, clock) = (setup.rig, setup.api, setup.clock)
        api.state.withLock {
            $0.syncFailures["K-A"] = StationError(
                .tryLater, "the server refused sync: the server could not complete the request", cause: "HTTP 500")
        }
        let start = clock.now

        rig.daemon.forwardQueue()
        #expect(delivered(api) == ["K-B": [1, 2, 3]])
        var waiting = try #require(try rig.store.oldestReports(limit: 10).first)
        #expect(waiting.keySerial == "K-A")
        #expect(waiting.attempts == 1)
        #expect(waiting.nextAttemptAt == start + 30_000)
        #expect(waiting.rejectedAt == nil)
        #expect(try rig.store.queueStatus().backingOff == 1)

        // Not before its time: a pass at 29 s leaves it alone; at 30 s it is tried and fails again.
        await clock.advance(by: .seconds(29), step: .seconds(1), sleepers: 0)
        rig.daemon.forwardQueue()
        #expect(try rig.store.oldestReports(limit: 10).first?.attempts == 1)
        await clock.advance(by: .seconds(1), step: .seconds(1), sleepers: 0)
        rig.daemon.forwardQueue()
        waiting = try #require(try rig.store.oldestReports(limit: 10).first)
        #expect(waiting.attempts == 2)
        #expect(waiting.nextAttemptAt == start + 90_000)

        // The server recovers; the report goes at its next attempt, once.
        api.state.withLock { $0.syncFailures = [:] }
        await clock.advance(by: .seconds(59), step: .seconds(59), sleepers: 0)
        rig.daemon.forwardQueue()
        #expect(try rig.store.queueStatus().depth == 1)
        await clock.advance(by: .seconds(1), step: .seconds(1), sleepers: 0)
        rig.daemon.forwardQueue()
        #expect(try rig.store.queueStatus().depth == 0)
        #expect(delivered(api) == ["K-A": [1, 2, 3], "K-B": [1, 2, 3]])
        // Besides the keys' first, empty reports, the server was handed each report once.
        #expect(api.state.withLock { $0.reports.count } == 2 + 2)
    }

    @Test("after three failures in a row a pass ends, and the next pass starts with the reports not yet tried")
    func failingServer() async throws {
        let setup = try await offlineQueue(["K-A", "K-B", "K-C", "K-D"], events: 1)
        let (rig, api) = (setup.rig, setup.api)
        api.state.withLock { state in
            for serial in ["K-A", "K-B", "K-C", "K-D"] {
                state.syncFailures[serial] = StationError(.tryLater, "the server refused sync", cause: "HTTP 500")
            }
        }
        rig.daemon.forwardQueue()
        #expect(try rig.store.oldestReports(limit: 10).map(\.attempts) == [1, 1, 1, 0])
        #expect(rig.sink.lines.contains { $0.contains("queue forwarding paused after failures in a row") })

        api.state.withLock { $0.syncFailures = [:] }
        rig.daemon.forwardQueue()
        #expect(try rig.store.oldestReports(limit: 10).map(\.keySerial) == ["K-A", "K-B", "K-C"])
        #expect(delivered(api) == ["K-D": [1]])
    }

    @Test("the backoff doubles from 30 seconds and stops at an hour")
    func backoffSteps() {
        let backoff = ReportBackoff()
        #expect(
            (1...9).map { backoff.delayMilliseconds(afterAttempts: $0) / 1000 } == [
                30, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600,
            ])
        #expect(backoff.delayMilliseconds(afterAttempts: 10_000) == 3_600_000)
    }

    @Test("the server's answers map to what the station does: reject, retry later, or pause the queue")
    func answerClasses() {
        let codes = [400, 401, 404, 408, 409, 413, 422, 429, 500, 503].map {
            JSONStationAPI.refusal(operation: "sync", status: $0, body: []).code
        }
        #expect(
            codes == [
                .refused, .unauthorised, .refused, .unreachable, .tryLater, .refused, .refused, .unreachable, .tryLater,
                .unreachable,
            ])
    }
}
