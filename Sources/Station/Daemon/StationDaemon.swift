import Crypto
import Foundation
import Observability
import StationLink
import Synchronization

/// The sync station's daemon (docs/station.md §7): serves docked keys, sends heartbeats, fetches
/// activations ahead of the shift, and forwards queued reports, until its task is cancelled.
public final class StationDaemon: Sendable {
    /// Intervals and limits.
    public struct Settings: Sendable {
        /// Between heartbeats.
        public var heartbeatInterval: Duration = .seconds(30)
        /// Between prefetches of the coming shift's activations.
        public var prefetchInterval: Duration = .seconds(600)
        /// Between attempts to forward queued reports.
        public var forwardInterval: Duration = .seconds(5)
        /// How long a report that failed waits before it is sent again.
        public var forwardBackoff = ReportBackoff()
        /// Reports failing in a row (other than by the server being unreachable) after which a
        /// forwarding pass ends, so a failing server is not sent the whole queue at once.
        public var failuresEndingPass = 3
        /// How far ahead prefetched activations reach, seconds; the server allows at most 16 hours.
        public var prefetchWindowSeconds: Int64 = 16 * 3_600
        /// Most hello/report rounds with one key, so a misbehaving key cannot hold the dock.
        public var maxSyncRounds = 64
        /// Reported in heartbeats.
        public var softwareVersion: String
        /// The office's time zone, for what employees are shown.
        public var timeZone: TimeZone = .current

        /// Defaults from docs/station.md §7.
        public init(softwareVersion: String) {
            self.softwareVersion = softwareVersion
        }
    }

    /// The power state the hardware reports.
    public struct PowerReading: Sendable {
        /// Mains, battery or unknown.
        public var source: PowerSource
        /// The backup battery's charge, when known.
        public var batteryPercent: Int?

        /// A reading.
        public init(source: PowerSource, batteryPercent: Int? = nil) {
            self.source = source
            self.batteryPercent = batteryPercent
        }
    }

    let store: StationStore
    let identity: StationIdentity
    let api: any StationAPI
    let dock: any KeyDock
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Int64
    let sleep: @Sendable (Duration) async throws -> Void
    let power: @Sendable () -> PowerReading
    let uplinkInUse: @Sendable () -> String
    /// Queue entries a dock session is delivering itself; the forwarder leaves them alone.
    let inFlight = Mutex<Set<Int64>>([])
    /// Whether the queue was at its warning level at the last look, to log crossings once.
    let queueWarned = Mutex<Bool>(false)
    /// Whether rejected reports were waiting at the last look, to log crossings once.
    let rejectedWarned = Mutex<Bool>(false)

    /// A daemon.
    ///
    /// - Parameters:
    ///   - clock: Unix milliseconds; injected so tests control time.
    ///   - sleep: waits between rounds of periodic work (heartbeats, prefetches, forwarding),
    ///     throwing when the task is cancelled; injected with `clock` so a test can run an hour
    ///     of the station's life without waiting an hour.
    ///   - power: reads the hardware's power state.
    ///   - uplinkInUse: names the route to the server last used, for heartbeats (at most 40
    ///     characters); ``Uplink/routeInUse``.
    public init(
        store: StationStore, identity: StationIdentity, api: any StationAPI, dock: any KeyDock, settings: Settings,
        logger: Logger, clock: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        power: @escaping @Sendable () -> PowerReading = { PowerReading(source: .unknown) },
        uplinkInUse: @escaping @Sendable () -> String = { "none" }
    ) {
        self.store = store
        self.identity = identity
        self.api = api
        self.dock = dock
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.sleep = sleep
        self.power = power
        self.uplinkInUse = uplinkInUse
    }

    /// Runs until the calling task is cancelled, then returns once docked keys are served.
    ///
    /// - Throws: the dock's error when it fails for another reason than cancellation.
    public func run() async throws {
        logger.notice(
            "station started",
            ["station.id": .string(identity.stationID), "station.organisation": .string(identity.organisationID)])
        defer { logger.notice("station stopped") }
        do {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.every(self.settings.heartbeatInterval) { self.sendHeartbeat() } }
                group.addTask { await self.every(self.settings.prefetchInterval) { self.prefetch() } }
                group.addTask { await self.every(self.settings.forwardInterval) { self.forwardQueue() } }
                try await self.serveDock()
            }
        } catch is CancellationError {
            return
        }
    }

    /// Accepts docked keys and serves each in its own task, until cancelled.
    private func serveDock() async throws {
        try await withThrowingDiscardingTaskGroup { sessions in
            while true {
                let key: any DockedKey
                do {
                    key = try await dock.nextKey()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.critical("dock failed", ["dock.error": .string("\(error)")])
                    throw error
                }
                sessions.addTask { await self.serve(key) }
            }
        }
    }

    /// Runs `work` (blocking) now and then every `interval` of the injected sleep, off the task
    /// pool, until cancelled.
    private func every(_ interval: Duration, _ work: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            _ = try? await Blocking.run(work)
            do {
                try await sleep(interval)
            } catch {
                return
            }
        }
    }

    /// Unix seconds now.
    var nowSeconds: UInt64 { UInt64(max(0, clock() / 1000)) }
}
