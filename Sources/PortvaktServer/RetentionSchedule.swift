import Dispatch
import Observability
import Synchronization

/// Runs a `RetentionPurger` in the background of `portvakt serve`: once at start, then every
/// interval, until `stop`.
///
/// Runs never overlap. Each one is counted in the metrics: the time of the last run and of the
/// last run without failures, and the rows removed per table.
public final class RetentionSchedule: @unchecked Sendable {
    // `@unchecked`: the timer source is Dispatch's, which is safe to use from any thread; the
    // phase makes sure it is resumed and cancelled once each.
    private let purger: RetentionPurger
    private let interval: Duration
    private let now: @Sendable () -> Int64
    private let logger: Logger
    private let queue = DispatchQueue(label: "portvakt.retention")
    private let timer: any DispatchSourceTimer
    private let phase = Mutex(Phase.created)
    private let record = Record()
    private let removed: Counter

    private enum Phase {
        case created, running, stopped
    }

    /// What the runs so far did; a class of its own so the metrics can sample it.
    private final class Record: Sendable {
        struct Times {
            var runs = 0
            var lastRun: Int64?
            var lastSuccess: Int64?
        }
        let times = Mutex(Times())
    }

    /// Creates a schedule and registers its metrics; call `start` to begin.
    /// - Parameters:
    ///   - interval: how often a purge starts; one that takes longer delays the next rather than
    ///     overlapping it.
    ///   - now: the time source for cutoffs and audit records, milliseconds since the Unix epoch.
    public init(
        purger: RetentionPurger, interval: Duration, metrics: MetricsRegistry, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
    ) {
        self.purger = purger
        self.interval = interval
        self.now = now
        self.logger = logger
        removed = metrics.counter(
            "portvakt_retention_rows_purged_total", help: "Rows removed by the retention purge, by table.",
            labels: ["table"])
        timer = DispatchSource.makeTimerSource(queue: queue)
        let record = self.record
        metrics.gauge(
            "portvakt_retention_last_run_timestamp_seconds",
            help: "When the retention purge last ran, with or without failures; 0 before the first run."
        ) { [([], Double(record.times.withLock { $0.lastRun ?? 0 }) / 1000)] }
        metrics.gauge(
            "portvakt_retention_last_success_timestamp_seconds",
            help: "When the retention purge last ran without a failing step; 0 before the first such run."
        ) { [([], Double(record.times.withLock { $0.lastSuccess ?? 0 }) / 1000)] }
    }

    /// How many purges have finished.
    public var runs: Int { record.times.withLock { $0.runs } }

    /// Starts the timer; the first purge runs at once, in the background. Later calls do nothing.
    public func start() {
        let created = phase.withLock { phase in
            defer { if phase == .created { phase = .running } }
            return phase == .created
        }
        guard created else { return }
        let nanoseconds =
            Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now(), repeating: .nanoseconds(max(1, nanoseconds)))
        timer.setEventHandler { [weak self] in self?.runOnce() }
        timer.resume()
        logger.info("retention purge scheduled", ["retention.interval_s": .int(Int(interval.components.seconds))])
    }

    /// Stops the timer and waits for a purge in progress to finish; no purge starts afterwards.
    public func stop() {
        let previous = phase.withLock { phase in
            defer { phase = .stopped }
            return phase
        }
        switch previous {
        case .created:
            // Dispatch must not release a source that was never resumed.
            timer.cancel()
            timer.resume()
        case .running:
            timer.cancel()
            queue.sync {}
            logger.info("retention purge stopped")
        case .stopped:
            break
        }
    }

    deinit {
        // No waiting here: the last reference may be dropped by a run on the timer's own queue.
        switch phase.withLock({ $0 }) {
        case .created:
            timer.cancel()
            timer.resume()
        case .running:
            timer.cancel()
        case .stopped:
            break
        }
    }

    private func runOnce() {
        let time = now()
        let report = purger.run(now: time)
        for outcome in report.outcomes {
            if case .success(let count) = outcome.result { removed.increment([outcome.table], by: Double(count)) }
        }
        record.times.withLock { times in
            times.runs += 1
            times.lastRun = time
            if report.failures == 0 { times.lastSuccess = time }
        }
    }
}
