import Foundation
import Observability
import Station

/// `portvakt station status`, `retry-rejected` and `discard-rejected`: what the station holds,
/// and the operator's way with reports the server rejected (docs/station.md §7).
extension StationCommand {
    /// Prints identity, servers, queue and last contact, then each rejected report.
    static func printStatus(_ store: StationStore, console: Console) throws {
        guard let identity = try store.identity() else {
            console.print("not enrolled (state in \(store.directory))")
            return
        }
        let queue = try store.queueStatus()
        var notes: [String] = []
        if queue.isNearlyFull { notes.append("nearly full") }
        if queue.backingOff > 0 { notes.append("\(queue.backingOff) retrying after a failure") }
        if queue.rejected > 0 { notes.append("\(queue.rejected) rejected") }
        let lines: [(String, String)] = [
            ("station", identity.stationID),
            ("organisation", identity.organisationID),
            ("enrolled", WallTime(millisecondsSinceEpoch: identity.enrolledAt).iso8601),
            ("servers", try store.serverAddresses().map(\.description).joined(separator: ", ")),
            (
                "queue",
                "\(queue.depth) of \(queue.limits.maxReports) reports"
                    + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")")
            ),
            ("oldest queued", time(queue.oldestQueuedAt)),
            ("last sync", time(try store.value(.lastSyncAt))),
            ("last heartbeat", time(try store.value(.lastHeartbeatAt))),
            ("prefetched", "\(try store.prefetchedCount()) activations"),
            ("dock socket", SimulatedDock.socketPath(in: store.directory)),
        ]
        for (label, value) in lines {
            console.print(row(label, value))
        }
        let rejected = try store.rejectedReports(limit: 100)
        for report in rejected {
            console.print(
                row(
                    "rejected",
                    "report \(report.id), key \(report.keySerial), \(report.entryCount) entries, queued "
                        + time(report.queuedAt) + ", rejected " + time(report.rejectedAt) + ": "
                        + (report.lastError ?? "no reason given")))
        }
        if queue.rejected > rejected.count {
            console.print(row("rejected", "and \(queue.rejected - rejected.count) more"))
        }
        if queue.rejected > 0 {
            console.print(
                "rejected reports wait for you: 'portvakt station retry-rejected' sends them again once the cause "
                    + "is fixed; 'portvakt station discard-rejected --id N' deletes one")
        }
    }

    /// Puts rejected reports back in line for the next forwarding pass.
    static func retryRejected(_ store: StationStore, id: Int64?, console: Console) throws -> Int32 {
        let count = try store.retryRejected(id: id)
        if let id, count == 0 {
            console.print("no rejected report \(id)")
            return ExitCode.failure
        }
        console.print("\(count) rejected report\(count == 1 ? "" : "s") put back in line")
        return ExitCode.success
    }

    /// Deletes one rejected report on the operator's word.
    static func discardRejected(_ store: StationStore, id: Int64?, console: Console) throws -> Int32 {
        guard let id, let report = try store.discardRejected(id: id) else {
            console.print("no rejected report \(id.map(String.init) ?? "")")
            return ExitCode.failure
        }
        console.print(
            "report \(report.id) of key \(report.keySerial) (\(report.entryCount) entries) discarded; "
                + "the key keeps any entries no acknowledgement has reached")
        return ExitCode.success
    }

    /// A report number from `--id`.
    static func reportID(_ text: String?, required: Bool) throws(UsageError) -> Int64? {
        guard let text else {
            if required { throw UsageError("--id is required: the report's number, as status shows it") }
            return nil
        }
        guard let id = Int64(text), id > 0 else { throw UsageError("--id takes a report's number, such as 12") }
        return id
    }

    private static func row(_ label: String, _ value: String) -> String {
        (label + ":").padding(toLength: 16, withPad: " ", startingAt: 0) + value
    }
}
