import CLibPQ
import Storage

/// A libpq connection string with the settings Portvakt adds around it.
///
/// libpq applies keywords in order and keeps the last value, and it expands the first `dbname`
/// into the operator's whole string. So defaults placed before the string can be overridden by
/// the operator, while settings placed after it always win.
struct PostgresConnectionString: Sendable {
    /// Keywords before the operator's string: defaults the operator may override.
    private static let defaults = [
        // Names Portvakt's sessions in pg_stat_activity, unless the operator picked a name.
        ("application_name", "portvakt"),
        // Without it a dead address can stall a request for minutes.
        ("connect_timeout", "10"),
    ]
    /// Keywords after the operator's string: settings the code depends on.
    private static let required = [
        // Swift strings are UTF-8, and text is read back without conversion.
        ("client_encoding", "UTF8")
    ]

    let keywords: [String]
    let values: [String]
    /// The connection target without the password, safe to log.
    let redacted: String

    /// Parses `string` (a `postgresql://` URL or `key=value` pairs) and adds `overrides`.
    /// - Throws: `StorageError` with code `.unavailable` when libpq cannot parse the string; the
    ///   parser's message is left out, since it may quote part of the password.
    init(_ string: String, overrides: [String: String]) throws(StorageError) {
        guard let options = PQconninfoParse(string, nil) else {
            throw StorageError(.unavailable, "the PostgreSQL connection string cannot be parsed; check its syntax")
        }
        defer { PQconninfoFree(options) }

        var parsed: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        parsed.merge(overrides) { _, new in new }
        redacted = Self.describe(parsed)

        let after = Self.required + overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let pairs = Self.defaults + [("dbname", string)] + after
        keywords = pairs.map(\.0)
        values = pairs.map(\.1)
    }

    /// Renders the settings that say where a connection goes, never the password.
    static func describe(_ settings: [String: String]) -> String {
        ["user", "host", "hostaddr", "port", "dbname"]
            .compactMap { key in settings[key].map { "\(key)=\($0)" } }
            .joined(separator: " ")
    }

    /// Calls `body` with the keyword and value arrays as the NULL-terminated C arrays
    /// `PQconnectdbParams` takes.
    func withCArrays<T>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> T
    ) -> T {
        // One buffer holds every string, so one pointer scope covers them all.
        var buffer: [CChar] = []
        var offsets: [Int] = []
        for string in keywords + values {
            offsets.append(buffer.count)
            buffer.append(contentsOf: string.utf8CString)
        }
        return buffer.withUnsafeBufferPointer { storage in
            let pointers = offsets.map { UnsafePointer<CChar>?(storage.baseAddress! + $0) }
            let keyPointers = Array(pointers[..<keywords.count]) + [nil]
            let valuePointers = Array(pointers[keywords.count...]) + [nil]
            return body(keyPointers, valuePointers)
        }
    }
}
