import Configuration

/// Every setting `portvakt station` reads, from `--config FILE`, `PORTVAKT_*` variables and
/// flags. docs/configuration.md documents the same list, and a test keeps them in step.
public enum StationSettings {
    /// The settings.
    public static let all: [Setting] = [
        Setting(
            "station.servers", default: nil, .text(secret: false),
            "Server addresses tried in order, comma-separated (http://host:port); replaces the enrolled ones."),
        Setting("station.heartbeat_seconds", default: "30", .integer(5...3_600), "Seconds between heartbeats."),
        Setting(
            "station.prefetch_seconds", default: "600", .integer(60...86_400),
            "Seconds between fetches of the coming shift's activations."),
        Setting(
            "station.prefetch_window_hours", default: "16", .integer(1...16),
            "How far ahead prefetched activations reach."),
        Setting(
            "station.connect_timeout_seconds", default: "3", .integer(1...60),
            "Seconds to wait for a connection to one server address before trying the next."),
        Setting(
            "station.read_timeout_seconds", default: "20", .integer(1...600),
            "Seconds the server may stay silent while answering."),
        Setting(
            "station.queue_limit", default: "100000", .integer(1...1_000_000),
            "Most reports the queue holds; beyond it keys keep their entries until the link returns."),
        Setting(
            "log.level", default: "info",
            .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
            "Lowest level written: trace, debug, info, notice, warning, error, critical."),
    ]

    /// The server addresses in `station.servers`, or `nil` when unset.
    ///
    /// - Throws: ``StationError`` naming a malformed address.
    public static func servers(_ configuration: Configuration) throws(StationError) -> [ServerAddress]? {
        guard let text = configuration.text("station.servers") else { return nil }
        var addresses: [ServerAddress] = []
        for part in text.split(separator: ",") where !part.trimmingSpaces.isEmpty {
            addresses.append(try ServerAddress(parsing: String(part)))
        }
        return addresses.isEmpty ? nil : addresses
    }
}
