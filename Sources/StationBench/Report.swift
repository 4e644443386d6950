/// The benchmark's printed figures.
enum Report {
    static let header =
        "backend   run                              keys  doors  perms  entries  syncs/s   p50 ms   p99 ms"
        + "  total s  server CPU s  db CPU s  load CPU s"

    /// One row of the table.
    static func line(_ backend: String, _ result: RunResult) -> String {
        var text =
            backend.padded(10) + result.label.padded(31) + pad("\(result.keys)", 6)
            + number(result.doors, digits: 0, width: 7) + number(result.permissions, digits: 0, width: 7)
            + number(Double(result.entriesBefore) / Double(max(1, result.keys)), digits: 1, width: 9)
            + number(Double(result.keys) / result.wallSeconds, digits: 1, width: 9)
            + number(percentile(result.latencies, 0.5), digits: 0, width: 9)
            + number(percentile(result.latencies, 0.99), digits: 0, width: 9)
            + number(result.wallSeconds, digits: 1, width: 9) + number(result.serverCPU, digits: 1, width: 14)
            + (result.databaseCPU.map { number($0, digits: 1, width: 10) } ?? pad("-", 10))
            + number(result.loadCPU, digits: 1, width: 12)
        if result.ready < result.keys || result.entriesAfter > 0 || !result.notReady.isEmpty {
            let reasons = result.notReady.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            text +=
                "\n          ! \(result.keys - result.ready) not ready (\(reasons.joined(separator: ", "))); "
                + "\(result.entriesAfter) entries left unacknowledged on the keys"
        }
        return text
    }

    /// Stockholm's morning: 7,000 keys of about 200 doors, measured or scaled from the run.
    static func goal(_ backend: String, _ result: RunResult) -> String {
        let scale = 7_000 / Double(result.keys)
        let measured = result.keys >= 7_000 ? "measured" : "scaled from \(result.keys) keys"
        let server = result.serverCPU * scale
        let wall = result.wallSeconds * scale
        var text =
            "\(backend): 7,000 keys of ~200 doors (\(measured)): rush \(number(wall, digits: 1)) s wall, "
            + "portvakt serve \(number(server, digits: 1)) s CPU: goal of 60 s " + (server <= 60 ? "met" : "NOT met")
        if let database = result.databaseCPU.map({ $0 * scale }) {
            text +=
                "; with PostgreSQL's \(number(database, digits: 1)) s CPU, \(number(server + database, digits: 1)) s: "
                + (server + database <= 60 ? "met" : "NOT met")
        }
        return text
    }

    /// The value below which `fraction` of `samples` lie (nearest rank).
    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }

    /// `value` with `digits` decimals, right-aligned in `width` columns.
    static func number(_ value: Double, digits: Int, width: Int = 0) -> String {
        guard value.isFinite else { return pad("-", width) }
        var factor = 1.0
        for _ in 0..<digits { factor *= 10 }
        let scaled = Int((value * factor).rounded())
        var text = String(abs(scaled))
        if digits > 0 {
            while text.count <= digits { text = "0" + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        }
        return pad((scaled < 0 ? "-" : "") + text, width)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension String {
    /// The string left-aligned in `width` columns.
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
