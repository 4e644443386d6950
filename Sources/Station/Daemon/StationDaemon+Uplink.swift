import Foundation
import Observability
import PortvaktProtocol
import StationLink

extension StationDaemon {
    /// Sends one heartbeat with the queue's and the power's state.
    func sendHeartbeat() {
        do {
            let queue = try store.queueStatus()
            noteQueueLevel(queue)
            let power = power()
            let request = HeartbeatRequest(
                queueDepth: queue.depth, queueCapacity: queue.limits.maxReports, oldestQueuedAt: queue.oldestQueuedAt,
                rejectedReports: queue.rejected,
                lastSyncAt: try store.value(.lastSyncAt), power: power.source,
                batteryPercent: power.batteryPercent, uplink: uplinkInUse(), version: settings.softwareVersion
            )
            let answer = try api.heartbeat(request)
            try store.setValue(.lastHeartbeatAt, clock())
            let held = try store.value(.revocationVersion)
            let announced = Int64(answer.revocationVersion)
            if let held, held < announced {
                logger.notice("newer revocation list, prefetching", ["revocation.version": .int(Int(announced))])
                // Saved only once the prefetch has the new list, so a failed one is tried again at
                // the next heartbeat rather than waiting for the next prefetch interval.
                if prefetch() { try store.setValue(.revocationVersion, announced) }
            } else {
                try store.setValue(.revocationVersion, announced)
            }
            let skew = (answer.serverTime - clock()) / 1000
            if abs(skew) > 120 {
                logger.warning(
                    "station clock differs from the server's", ["station.clock_skew_seconds": .int(Int(skew))])
            }
            logger.debug("heartbeat sent", ["queue.depth": .int(queue.depth)])
        } catch {
            logger.warning("heartbeat failed", ["station.error": .string("\(error)")])
        }
    }

    /// Logs when the queue crosses its warning level, once each way.
    func noteQueueLevel(_ queue: QueueStatus) {
        let crossed = queueWarned.withLock { warned in
            defer { warned = queue.isNearlyFull }
            return warned != queue.isNearlyFull
        }
        noteRejected(queue)
        guard crossed else { return }
        if queue.isNearlyFull {
            logger.warning(
                "queue nearly full",
                ["queue.depth": .int(queue.depth), "queue.limit": .int(queue.limits.maxReports)])
        } else {
            logger.notice("queue below warning level", ["queue.depth": .int(queue.depth)])
        }
    }

    /// Logs an error when reports the server rejected are waiting for an operator, and a notice
    /// when none are left, once each way.
    func noteRejected(_ queue: QueueStatus) {
        let waiting = queue.rejected > 0
        let crossed = rejectedWarned.withLock { warned in
            defer { warned = waiting }
            return warned != waiting
        }
        guard crossed else { return }
        if waiting {
            logger.error(
                "rejected reports wait for an operator: see portvakt station status",
                ["queue.rejected": .int(queue.rejected)])
        } else {
            logger.notice("no rejected reports left")
        }
    }

    /// Fetches the coming shift window's activations and replaces the stored ones.
    /// - Returns: whether the stored activations were replaced.
    @discardableResult
    func prefetch() -> Bool {
        let start = clock()
        do {
            let answer = try api.prefetch(
                PrefetchRequest(shiftStart: start, shiftEnd: start + settings.prefetchWindowSeconds * 1000))
            let items = try answer.activations.map { item throws(StationError) in
                guard let bytes = Data(base64Encoded: item.activation),
                    let key = Data(base64Encoded: item.keyPublicKey),
                    let activation = try? Activation.decode(Array(bytes))
                else {
                    throw StationError(.badAnswer, "the prefetched activation for \(item.keySerial) is malformed")
                }
                return PrefetchedActivation(
                    keySerial: item.keySerial, keyPublicKey: Array(key), activation: Array(bytes),
                    doorCount: item.doorCount, validFrom: activation.credential.validFrom,
                    validUntil: activation.credential.validUntil)
            }
            try store.replacePrefetched(items, now: clock())
            logger.info("activations prefetched", ["prefetch.keys": .int(items.count)])
            return true
        } catch {
            logger.warning("prefetch failed", ["station.error": .string("\(error)")])
            return false
        }
    }

    /// How one report's delivery went.
    enum Forwarded {
        /// The server took it; it left the queue.
        case delivered
        /// The server rejected it for good; it stays queued, marked, for an operator.
        case rejected
        /// It failed for now; it waits out its backoff.
        case deferred
        /// The server could not be reached; the pass ends.
        case unreachable
    }

    /// Sends the reports that are due, oldest first, until none is left or the server cannot be
    /// reached. A report the server rejects is kept and marked; one that fails otherwise waits
    /// out its backoff while the reports behind it go on. After
    /// ``Settings/failuresEndingPass`` such failures in a row the pass ends too: the fault is
    /// then likely the server's, not the reports'. Reports a dock session is delivering itself
    /// are left to it.
    func forwardQueue() {
        do {
            var failuresInARow = 0
            while true {
                let busy = inFlight.withLock { $0 }
                let batch = try store.dueReports(now: clock(), limit: 32 + busy.count).filter { !busy.contains($0.id) }
                guard !batch.isEmpty else { return }
                for report in batch {
                    switch try forward(report) {
                    case .delivered, .rejected:
                        failuresInARow = 0
                    case .deferred:
                        failuresInARow += 1
                        guard failuresInARow < settings.failuresEndingPass else {
                            logger.warning(
                                "queue forwarding paused after failures in a row",
                                ["queue.failures": .int(failuresInARow)])
                            return
                        }
                    case .unreachable:
                        return
                    }
                }
            }
        } catch {
            logger.error("queue could not be read", ["station.error": .string("\(error)")])
        }
    }

    /// Forwards one report and records the outcome in the queue.
    private func forward(_ report: QueuedReport) throws -> Forwarded {
        let request = SyncRequest(
            keySerial: report.keySerial, keyPublicKey: Data(report.keyPublicKey).base64EncodedString(),
            hello: Data(report.hello).base64EncodedString(), report: Data(report.report).base64EncodedString())
        let log = logger.child(
            label: logger.label,
            metadata: ["key.serial": .string(report.keySerial), "queue.id": .int(Int(report.id))])
        let answer: SyncResponse
        do {
            answer = try api.sync(request)
        } catch {
            switch error.code {
            case .unreachable, .unauthorised:
                log.debug("queue forwarding paused", ["station.error": .string(error.description)])
                return .unreachable
            case .refused:
                try reject(report.id, error, log: log)
                return .rejected
            default:
                let now = clock()
                if let retry = try store.deferReport(
                    report.id, reason: error.description, now: now, backoff: settings.forwardBackoff)
                {
                    log.warning(
                        "queued report failed, retrying later",
                        [
                            "queue.attempts": .int(retry.attempts),
                            "queue.retry_in_seconds": .int(Int((retry.nextAttemptAt - now) / 1000)),
                            "station.error": .string(error.description),
                        ])
                }
                return .deferred
            }
        }
        try store.removeReport(report.id)
        try store.setValue(.lastSyncAt, clock())
        log.info("queued report forwarded", ["sync.stored": .int(answer.stored), "sync.known": .int(answer.known)])
        return .delivered
    }

    /// Keeps a report the server refused for good, marked with the server's reason, and raises the
    /// alert: an error in the log, and the report in `portvakt station status`. The key still
    /// holds its entries until an acknowledgement reaches it; the queued copy waits for an
    /// operator to retry or discard it.
    func reject(_ id: Int64, _ error: StationError, log: Logger) throws {
        try store.rejectReport(id, reason: error.description, now: clock())
        log.error(
            "server rejected a queued report; kept for an operator", ["station.error": .string(error.description)])
    }
}
