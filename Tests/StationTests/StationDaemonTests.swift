import Foundation
import PortvaktProtocol
import StationLink
import Testing

@testable import Station

@Suite("Station daemon with an issuer-backed API")
struct StationDaemonTests {
    private func rig(queueLimit: Int = 100_000) throws -> (StationRig, IssuerBackedAPI) {
        let directory = try TemporaryDirectory()
        let store = try StationStore(directory: directory.path, queueLimits: QueueLimits(maxReports: queueLimit))
        let api = IssuerBackedAPI(store: store)
        return (try StationRig(directory: directory, store: store, api: api, serverKeys: api.pinnedKeys), api)
    }

    @Test("a docked key's report is queued before it is sent, and leaves key and queue once acknowledged")
    func syncAndActivate() async throws {
        let (rig, api) = try rig()
        let first = try await rig.dockKey("key", serial: "K-1")
        #expect(first.ready)
        #expect(first.line.hasPrefix("ready: 3 doors, valid until "))
        try rig.addEvents(to: "key", count: 4)
        #expect(try rig.key("key").uploads.count == 4)

        let second = try await rig.dockKey("key", serial: "K-1")
        #expect(second.ready)
        #expect(try rig.key("key").uploads.isEmpty)
        #expect(try rig.store.queueStatus().depth == 0)
        let seen = api.state.withLock { $0 }
        #expect(seen.queueDepthAtSync == [1, 1])
        #expect(seen.reports.map(\.sequences) == [[], [1, 2, 3, 4]])
        #expect(try rig.store.value(.lastSyncAt) != nil)
    }

    @Test("a key with more entries than one report holds is synced in rounds until it is empty")
    func rounds() async throws {
        let (rig, api) = try rig()
        _ = try await rig.dockKey("key", serial: "K-1")
        try rig.addEvents(to: "key", count: ProtocolLimits.maxUploadEntries + 20)

        #expect(try await rig.dockKey("key", serial: "K-1").ready)
        #expect(try rig.key("key").uploads.isEmpty)
        let counts = api.state.withLock { $0.reports.map(\.sequences.count) }
        #expect(counts == [0, ProtocolLimits.maxUploadEntries, 20])
    }

    @Test("offline, a dock is answered from prefetch and its report queued; back online, the queue goes oldest first")
    func offlineThenForward() async throws {
        let (rig, api) = try rig()
        _ = try await rig.dockKey("a", serial: "K-A")
        _ = try await rig.dockKey("b", serial: "K-B")
        rig.daemon.prefetch()
        #expect(try rig.store.prefetchedCount() == 2)
        try rig.addEvents(to: "a", count: 2)
        try rig.addEvents(to: "b", count: 3)

        api.setOnline(false)
        let offlineA = try await rig.dockKey("a", serial: "K-A")
        let offlineB = try await rig.dockKey("b", serial: "K-B")
        #expect(offlineA.ready)
        #expect(offlineB.line.hasPrefix("ready: 3 doors"))
        #expect(try rig.key("a").uploads.count == 2)
        #expect(try rig.store.queueStatus().depth == 2)
        rig.daemon.forwardQueue()
        #expect(try rig.store.queueStatus().depth == 2)

        api.setOnline(true)
        rig.daemon.forwardQueue()
        #expect(try rig.store.queueStatus().depth == 0)
        let forwarded = api.state.withLock { Array($0.reports.suffix(2)) }
        #expect(forwarded.map(\.serial) == ["K-A", "K-B"])
        #expect(forwarded.map(\.sequences) == [[1, 2], [1, 2, 3]])

        #expect(try await rig.dockKey("a", serial: "K-A").ready)
        #expect(try rig.key("a").uploads.isEmpty)
    }

    @Test("a newer revocation version is kept only once its prefetch succeeded, so a failed one is retried")
    func revocationVersionAfterPrefetch() async throws {
        let (rig, api) = try rig()
        _ = try await rig.dockKey("key", serial: "K-1")
        rig.daemon.sendHeartbeat()
        #expect(try rig.store.value(.revocationVersion) == 1)

        api.state.withLock {
            $0.revocationVersion = 2
            $0.prefetchFailure = StationError(.unreachable, "no server address answered")
        }
        rig.daemon.sendHeartbeat()
        #expect(try rig.store.value(.revocationVersion) == 1)
        #expect(try rig.store.prefetchedCount() == 0)

        api.state.withLock { $0.prefetchFailure = nil }
        rig.daemon.sendHeartbeat()
        #expect(try rig.store.value(.revocationVersion) == 2)
        #expect(try rig.store.prefetchedCount() == 1)
    }

    @Test("offline with nothing prefetched, the employee is told the server cannot be reached")
    func offlineWithoutPrefetch() async throws {
        let (rig, api) = try rig()
        api.setOnline(false)
        let shown = try await rig.dockKey("key", serial: "K-1")
        #expect(!shown.ready)
        #expect(shown.line.hasPrefix("not ready: the server cannot be reached"))
        #expect(try rig.store.queueStatus().depth == 1)
    }

    @Test("a refused activation shows the reason and whom to contact, after the logs are synced")
    func refused() async throws {
        let (rig, api) = try rig()
        _ = try await rig.dockKey("key", serial: "K-1")
        try rig.addEvents(to: "key", count: 1)
        api.state.withLock { $0.refusal = .keyBlocked }
        let shown = try await rig.dockKey("key", serial: "K-1")
        #expect(shown == ResultPayload(ready: false, line: "not ready: key reported lost. Contact the central unit."))
        #expect(try rig.key("key").uploads.isEmpty)
    }

    @Test("when the server cannot give an activation, the prefetched one is used, and without one the employee is told")
    func activationFailure() async throws {
        let (rig, api) = try rig()
        _ = try await rig.dockKey("a", serial: "K-A")
        rig.daemon.prefetch()
        _ = try await rig.dockKey("b", serial: "K-B")
        api.state.withLock {
            $0.activationFailure = StationError(.refused, "the server refused activation: Invalid shift")
        }

        #expect(try await rig.dockKey("a", serial: "K-A").ready)
        let without = try await rig.dockKey("b", serial: "K-B")
        #expect(
            without
                == ResultPayload(
                    ready: false,
                    line: "not ready: the server could not prepare a credential for this key. Contact the central unit."
                ))
        #expect(rig.sink.lines.contains { $0.contains("\"msg\":\"activation from prefetch\"") })
    }

    @Test("with the queue full, a dock skips the report but still writes the credential, and the key keeps its entries")
    func fullQueue() async throws {
        let (rig, api) = try rig(queueLimit: 1)
        _ = try await rig.dockKey("key", serial: "K-1")
        try rig.addEvents(to: "key", count: 2)
        api.setOnline(false)
        _ = try await rig.dockKey("key", serial: "K-1")
        #expect(try rig.store.queueStatus().isFull)

        api.state.withLock { $0.online = true }
        let shown = try await rig.dockKey("other", serial: "K-2")
        #expect(api.state.withLock { $0.reports.count } == 1)
        #expect(!shown.ready)
        #expect(
            shown.line == "not ready: this key is not registered for this office. Contact your provider administrator.")
        #expect(try await rig.dockKey("key", serial: "K-1").ready)
        #expect(try rig.key("key").uploads.count == 2)
        #expect(rig.sink.lines.contains { $0.contains("queue full, key keeps its entries") })
    }

    @Test("the daemon runs until cancelled and then stops cleanly")
    func runAndStop() async throws {
        let (rig, api) = try rig()
        let running = Task { try await rig.daemon.run() }
        let shown = try await Task.detached {
            try await Blocking.run {
                var key = try SimulatedKey(
                    store: FileKeyStore.openOrCreate(path: rig.directory.file("key"), serial: "K-1"))
                return try key.dock(socketPath: SimulatedDock.socketPath(in: rig.directory.path), timeout: testPatience)
            }
        }.value
        #expect(shown.ready)
        running.cancel()
        try await running.value
        #expect(rig.sink.lines.contains { $0.contains("\"msg\":\"station stopped\"") })
        #expect(api.state.withLock { $0.keys.count } == 1)
    }
}
