import Foundation
import Station

/// `check`: compares what the keys and locks of the run made with what the server lists through
/// `GET /api/v1/events` and `GET /api/v1/event-findings`, read with a central administrator's
/// token.
///
/// - lost: a key's own event (counters 1 … its last) or a lock event that rode home on a key
///   (counters 1 … the highest handed to a key that stored it) that the server does not list;
/// - duplicates: an event the server lists more than once;
/// - problems: a key still carrying entries (it was not drained), an event the run never made,
///   an open gap, or any forgery or malformed finding.
struct ChaosCheck {
    let directory: String
    let server: ServerAddress
    let token: String
    private let client = HTTPClient(connectTimeout: .seconds(5), readTimeout: .seconds(60))

    /// The counts, and a line for each problem found.
    struct Outcome {
        /// Events the keys made of their own.
        var keyEvents = 0
        /// Events the locks made.
        var lockEventsMade = 0
        /// Lock events that rode home on a key, and so must reach the server.
        var lockEvents = 0
        /// Entries the keys stored, and of them those the keys deleted on an acknowledgement.
        var entriesStored = 0
        var entriesAcknowledged = 0
        /// Events of the run the server lists, each counted once.
        var onServer = 0
        var lost = 0
        var duplicates = 0
        var problems: [String] = []

        var passed: Bool { lost == 0 && duplicates == 0 && problems.isEmpty }
    }

    func run() throws -> Outcome {
        var outcome = Outcome()
        let keyIDs = Dictionary(
            try pages("/api/v1/keys?organisation=org-norr", as: Key.self).map { ($0.serial, $0.id) },
            uniquingKeysWith: { first, _ in first })

        var listed = Dictionary(grouping: try pages("/api/v1/events?source=key", as: Event.self)) { $0.keyID ?? "" }
        for path in try ChaosFiles.keys(in: directory) {
            let key = try FileKeyStore.openOrCreate(path: path, serial: nil)
            if !key.uploads.isEmpty {
                outcome.problems.append("key \(key.serial) still carries \(key.uploads.count) entries")
            }
            let made = Int64(key.state.nextEventCounter - 1)
            let stored = Int(key.state.nextSequence) - 1
            outcome.entriesStored += stored
            outcome.entriesAcknowledged += stored - key.uploads.count
            let counters = (keyIDs[key.serial].flatMap { listed.removeValue(forKey: $0) } ?? []).map(\.counter)
            tally(counters, expected: made, made: made, of: "key \(key.serial)", into: &outcome)
            outcome.keyEvents += Int(made)
        }
        for (keyID, events) in listed {
            outcome.problems.append("\(events.count) events of key \(keyID), which the run does not hold")
        }

        let lockEvents = Dictionary(grouping: try pages("/api/v1/events?source=lock", as: Event.self), by: \.lockID)
        var unknownLocks = Set(lockEvents.keys)
        for path in try ChaosFiles.locks(in: directory) {
            let name = String(path.split(separator: "/").last!.dropLast(".lock".count))
            guard let lock = try ChaosLock.read(path) else { continue }
            unknownLocks.remove(name)
            let counters = (lockEvents[name] ?? []).map(\.counter)
            let made = Int64(lock.store.state.nextEventCounter - 1)
            tally(counters, expected: Int64(lock.carriedThrough), made: made, of: "lock \(name)", into: &outcome)
            outcome.lockEvents += Int(lock.carriedThrough)
            outcome.lockEventsMade += Int(made)
        }
        for name in unknownLocks { outcome.problems.append("events of lock \(name), which the run does not hold") }

        for finding in try pages("/api/v1/event-findings", as: Finding.self)
        where finding.kind != "gap" || finding.resolvedAt == nil {
            outcome.problems.append(
                "finding \(finding.id): \(finding.kind) (\(finding.reason)) on lock \(finding.lockID ?? "-") "
                    + "counters \(finding.firstCounter ?? 0)-\(finding.lastCounter ?? 0)")
        }
        return outcome
    }

    /// Counts what is missing of 1 … `expected`, listed twice, or beyond what was `made`.
    private func tally(_ counters: [Int64], expected: Int64, made: Int64, of owner: String, into outcome: inout Outcome)
    {
        var seen: [Int64: Int] = [:]
        for counter in counters { seen[counter, default: 0] += 1 }
        let missing = expected < 1 ? [] : (1...expected).filter { seen[$0] == nil }
        let doubled = seen.values.reduce(0) { $0 + max(0, $1 - 1) }
        let foreign = seen.keys.filter { $0 < 1 || $0 > made }
        outcome.onServer += seen.count - foreign.count
        outcome.lost += missing.count
        outcome.duplicates += doubled
        if !missing.isEmpty {
            outcome.problems.append("\(owner): \(missing.count) events missing, first counter \(missing[0])")
        }
        if doubled > 0 { outcome.problems.append("\(owner): \(doubled) events listed more than once") }
        if !foreign.isEmpty { outcome.problems.append("\(owner): \(foreign.count) events it never made") }
    }

    /// Every item of a listing, following its `next` cursor.
    private func pages<Item: Decodable>(_ path: String, as: Item.Type) throws -> [Item] {
        var items: [Item] = []
        var after: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let request = HTTPClientRequest(
                method: "GET", path: path + separator + "limit=500" + (after.map { "&after=\($0)" } ?? ""),
                headers: [("Authorization", "Bearer \(token)")])
            let response = try client.send(request, to: server)
            guard response.status == 200 else {
                throw ChaosError(
                    "GET \(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
            }
            let page = try JSONDecoder().decode(Page<Item>.self, from: Data(response.body))
            items += page.items
            after = page.next
        } while after != nil
        return items
    }

    private struct Page<Item: Decodable>: Decodable {
        var items: [Item]
        var next: String?
    }

    private struct Key: Decodable {
        var id: String
        var serial: String
    }

    private struct Event: Decodable {
        var lockID: String
        var counter: Int64
        var keyID: String?
    }

    private struct Finding: Decodable {
        var id: String
        var kind: String
        var reason: String
        var lockID: String?
        var firstCounter: Int64?
        var lastCounter: Int64?
        var resolvedAt: Int64?
    }
}
