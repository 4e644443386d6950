import Foundation
import Station
import StationLink
import Synchronization

/// One docking of a key at its provider's station.
struct Docking: Sendable {
    let key: BenchKey
    let station: BenchStation
}

/// What one measured run found.
struct RunResult {
    var label: String
    var keys: Int
    /// Whole seconds from the first dock to the last result shown.
    var wallSeconds: Double
    /// Each dock's time from insertion to the result shown, in milliseconds.
    var latencies: [Double]
    /// CPU seconds of `portvakt serve` during the run.
    var serverCPU: Double
    /// CPU seconds of the PostgreSQL processes during the run; `nil` on SQLite.
    var databaseCPU: Double?
    /// CPU seconds of this process (stations and keys) during the run.
    var loadCPU: Double
    /// Keys shown `ready`.
    var ready: Int
    /// Why the others were not, with counts.
    var notReady: [String: Int]
    /// Entries the keys held before and after.
    var entriesBefore: Int
    var entriesAfter: Int
    /// Doors and permissions per key, averaged over the keys that hold an activation.
    var doors: Double
    var permissions: Double
}

/// Runs docks and measures them.
struct Rush {
    let server: ServerProcess
    /// The PostgreSQL postmaster whose processes count as the database's CPU.
    let postmaster: Int32?
    /// Docks in progress at once, over all stations.
    let concurrency: Int

    /// Docks every key once, `concurrency` at a time, stations taking turns, and measures each
    /// dock from the key's insertion to the result the station shows.
    func run(_ label: String, _ dockings: [Docking]) async -> RunResult {
        let before = dockings.reduce(0) { $0 + $1.key.pendingEntries }
        let next = Shared(0)
        let outcomes = Shared<[(Double, DockResult)]>([])
        let cpu = sampleCPU()
        let clock = ContinuousClock()
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(concurrency, dockings.count) {
                group.addTask {
                    while true {
                        let index = next.withLock { index in
                            defer { index += 1 }
                            return index
                        }
                        guard index < dockings.count else { return }
                        let docking = dockings[index]
                        let began = clock.now
                        let result = await docking.key.dock(at: docking.station.dock)
                        let elapsed = (clock.now - began).milliseconds
                        outcomes.withLock { $0.append((elapsed, result)) }
                    }
                }
            }
        }
        let wall = (clock.now - start).milliseconds / 1000
        let after = sampleCPU()

        let results = outcomes.withLock { $0 }
        var notReady: [String: Int] = [:]
        for (_, result) in results {
            if case .notReady(let reason) = result { notReady["\(reason)", default: 0] += 1 }
        }
        let activations = dockings.compactMap { $0.key.activation }
        return RunResult(
            label: label, keys: dockings.count, wallSeconds: wall, latencies: results.map(\.0),
            serverCPU: after.server - cpu.server, databaseCPU: postmaster.map { _ in after.database - cpu.database },
            loadCPU: after.load - cpu.load, ready: results.count { $0.1.isReady }, notReady: notReady,
            entriesBefore: before, entriesAfter: dockings.reduce(0) { $0 + $1.key.pendingEntries },
            doors: Double(activations.reduce(0) { $0 + $1.locks.count }) / Double(max(1, activations.count)),
            permissions: Double(activations.reduce(0) { $0 + $1.permissions }) / Double(max(1, activations.count)))
    }

    /// Every station prefetches the coming 16 hours' activations for all its provider's keys at
    /// once, as the daemons do every ten minutes; measured like a rush, one call per station.
    func prefetchAll(_ stations: [BenchStation]) async -> RunResult {
        let cpu = sampleCPU()
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = Shared<[(Double, Int)]>([])
        await withTaskGroup(of: Void.self) { group in
            for station in stations {
                group.addTask {
                    let began = clock.now
                    let now = BenchStation.now()
                    let count = await Task.detached {
                        (try? station.api.prefetch(PrefetchRequest(shiftStart: now, shiftEnd: now + 16 * 3_600_000)))?
                            .activations.count ?? -1
                    }.value
                    outcomes.withLock { $0.append(((clock.now - began).milliseconds, count)) }
                }
            }
        }
        let wall = (clock.now - start).milliseconds / 1000
        let after = sampleCPU()
        let results = outcomes.withLock { $0 }
        let fetched = results.reduce(0) { $0 + max(0, $1.1) }
        let failed = results.count { $0.1 < 0 }
        return RunResult(
            label: "prefetch, every station", keys: fetched, wallSeconds: wall, latencies: results.map(\.0),
            serverCPU: after.server - cpu.server, databaseCPU: postmaster.map { _ in after.database - cpu.database },
            loadCPU: after.load - cpu.load, ready: fetched, notReady: failed > 0 ? ["prefetch failed": failed] : [:],
            entriesBefore: 0, entriesAfter: 0, doors: .nan, permissions: .nan)
    }

    private func sampleCPU() -> (server: Double, database: Double, load: Double) {
        (server.cpuSeconds, postmaster.map { ProcessCPU.seconds(ofTree: $0) } ?? 0, ProcessCPU.ownSeconds())
    }
}

/// A value tasks share, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T {
        value.withLock { body(&$0) }
    }
}

extension Duration {
    /// The duration in milliseconds, with fractions.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
