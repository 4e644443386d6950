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
        guard crossed else { return }
        if queue.isNearlyFull {
            logger.warning(
                "queue nearly full",
                ["queue.depth": .int(queue.depth), "queue.limit": .int(queue.limits.maxReports)])
        } else {
            logger.notice("queue below warning level", ["queue.depth": .int(queue.depth)])
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

    /// Sends queued reports oldest first until the queue is empty or the server cannot be reached.
    /// Reports a dock session is delivering itself are left to it.
    func forwardQueue() {
        do {
            while true {
                let busy = inFlight.withLock { $0 }
                let batch = try store.oldestReports(limit: 32 + busy.count).filter { !busy.contains($0.id) }
                guard !batch.isEmpty else { return }
                for report in batch {
                    guard try forward(report) else { return }
                }
            }
        } catch {
            logger.error("queue could not be read", ["station.error": .string("\(error)")])
        }
    }

    /// Forwards one report; `false` when the server could not be reached.
    private func forward(_ report: QueuedReport) throws -> Bool {
        let request = SyncRequest(
            keySerial: report.keySerial, keyPublicKey: Data(report.keyPublicKey).base64EncodedString(),
            hello: Data(report.hello).base64EncodedString(), report: Data(report.report).base64EncodedString())
        do {
            let answer = try api.sync(request)
            try store.removeReport(report.id)
            try store.setValue(.lastSyncAt, clock())
            logger.info(
                "queued report forwarded",
                [
                    "key.serial": .string(report.keySerial), "queue.id": .int(Int(report.id)),
                    "sync.stored": .int(answer.stored), "sync.known": .int(answer.known),
                ])
            return true
        } catch let error as StationError where error.code == .refused {
            // The key still holds every entry (only the issuer's acknowledgement deletes them),
            // so a report the server will never take is dropped from the queue, not lost.
            try store.removeReport(report.id)
            logger.error(
                "server refused a queued report",
                [
                    "key.serial": .string(report.keySerial), "queue.id": .int(Int(report.id)),
                    "station.error": .string(error.description),
                ])
            return true
        } catch {
            logger.debug("queue forwarding paused", ["station.error": .string("\(error)")])
            return false
        }
    }
}
