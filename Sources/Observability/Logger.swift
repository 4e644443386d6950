/// A structured logger that writes one JSON object per line.
///
/// Messages are constant (`StaticString`), and everything that varies goes into metadata under
/// dotted keys, so that logs can be searched and aggregated by field:
///
/// ```swift
/// logger.info("request served", ["http.status": 200, "http.route": "/healthz"])
/// ```
///
/// Libraries receive a logger from their caller rather than creating one, so the executable
/// decides level and destination. Never pass secrets, sign-in codes, tokens or key material.
public struct Logger: Sendable {
    /// The component that logs, written as the `logger` field.
    public var label: String
    /// Records below this level are dropped.
    public var level: LogLevel
    /// Fields added to every record of this logger.
    public var metadata: LogMetadata
    private let sink: any LogSink
    private let clock: @Sendable () -> WallTime

    /// Creates a logger.
    /// - Parameters:
    ///   - label: the component name, such as `http` or `storage`.
    ///   - level: the lowest level written.
    ///   - sink: the destination; standard error by default.
    ///   - clock: the source of record timestamps; injectable for tests.
    public init(
        label: String, level: LogLevel = .info, metadata: LogMetadata = [:],
        sink: any LogSink = StandardErrorSink.shared, clock: @escaping @Sendable () -> WallTime = WallTime.now
    ) {
        self.label = label
        self.level = level
        self.metadata = metadata
        self.sink = sink
        self.clock = clock
    }

    /// A logger that drops everything, for callers that do not care.
    public static let disabled = Logger(label: "disabled", level: .critical, sink: DiscardSink())

    /// A copy of this logger for a sub-component, sharing sink and level.
    public func child(label: String, metadata extra: LogMetadata = [:]) -> Logger {
        var copy = self
        copy.label = label
        copy.metadata.merge(extra) { _, new in new }
        return copy
    }

    /// Whether a record at `level` would be written; lets callers skip building costly metadata.
    @inlinable public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    /// Writes one record if `level` is enabled.
    ///
    /// Fields keep the order they are written in; a field overrides logger metadata of the same key.
    public func log(_ level: LogLevel, _ message: StaticString, _ fields: LogFields = [:]) {
        guard isEnabled(level) else { return }
        var line = JSONLine()
        line.append(key: "ts", time: clock())
        line.append(key: "level", string: level.name)
        line.append(key: "logger", string: label)
        line.append(key: "msg", message: message)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key })
        where !fields.contains(where: { $0.key == key }) {
            line.append(key: key, value: value)
        }
        for (key, value) in fields {
            line.append(key: key, value: value)
        }
        sink.write(line: line.finish())
        if level >= .notice { sink.flush() }
    }

    /// Writes out any records the sink is holding back; call before the process exits.
    public func flush() { sink.flush() }

    /// Writes a `trace` record.
    public func trace(_ message: StaticString, _ fields: LogFields = [:]) { log(.trace, message, fields) }
    /// Writes a `debug` record.
    public func debug(_ message: StaticString, _ fields: LogFields = [:]) { log(.debug, message, fields) }
    /// Writes an `info` record.
    public func info(_ message: StaticString, _ fields: LogFields = [:]) { log(.info, message, fields) }
    /// Writes a `notice` record.
    public func notice(_ message: StaticString, _ fields: LogFields = [:]) { log(.notice, message, fields) }
    /// Writes a `warning` record.
    public func warning(_ message: StaticString, _ fields: LogFields = [:]) { log(.warning, message, fields) }
    /// Writes an `error` record.
    public func error(_ message: StaticString, _ fields: LogFields = [:]) { log(.error, message, fields) }
    /// Writes a `critical` record.
    public func critical(_ message: StaticString, _ fields: LogFields = [:]) { log(.critical, message, fields) }
}

/// Drops every line.
struct DiscardSink: LogSink {
    func write(line: [UInt8]) {}
    func flush() {}
}
