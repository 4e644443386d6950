import Configuration

/// Every setting `portvakt serve` reads. docs/configuration.md documents the same list, and a
/// test keeps the two in step.
public enum ServerSettings {
    /// The settings, grouped by prefix.
    public static let all: [Setting] = [
        Setting(
            "http.host", default: "127.0.0.1", .ipv4Address,
            "IPv4 address to listen on. Keep 127.0.0.1 behind a reverse proxy."),
        Setting("http.port", default: "8080", .integer(0...65535), "TCP port to listen on; 0 picks a free port."),
        Setting(
            "http.threads", default: "4", .integer(1...256), "Worker threads serving requests; handlers run on them."),
        Setting(
            "http.max_body_bytes", default: "1048576", .integer(1024...67_108_864),
            "Largest request body accepted; larger ones get 413. The station sync route takes at least "
                + "5603456 bytes, a full key report."),
        Setting(
            "http.idle_timeout_seconds", default: "15", .integer(1...3600),
            "Seconds a connection may idle or trickle data before it is closed."),
        Setting(
            "http.body_timeout_seconds", default: "30", .integer(1...3600),
            "Seconds a client may take to send a whole request body before it is cut off."),
        Setting(
            "http.max_connections", default: "1000", .integer(1...100_000), "Most client connections served at once."),
        Setting(
            "http.shutdown_grace_seconds", default: "10", .integer(0...600),
            "How long shutdown waits for in-flight requests."),
        Setting(
            "http.hsts", default: "false", .boolean,
            "Send Strict-Transport-Security; enable when clients reach Portvakt over HTTPS."),
        Setting("storage.backend", default: "sqlite", .choice(["sqlite", "postgres"]), "Database backend."),
        Setting(
            "storage.data_dir", default: "data", .text(secret: false),
            "Directory for the SQLite database file (portvakt.sqlite3)."),
        Setting(
            "storage.postgres_url", default: nil, .text(secret: true),
            "libpq connection string; required when storage.backend is postgres. Never logged."),
        Setting("storage.pool_size", default: "8", .integer(1...512), "Most database connections open at once."),
        Setting(
            "storage.pool_wait_seconds", default: "5", .integer(1...120),
            "How long a request waits for a free database connection before it gets 503."),
        Setting(
            "storage.migrate_on_start", default: "true", .boolean,
            "Apply pending schema migrations when the server starts."),
        Setting(
            "issuer.key_file", default: nil, .text(secret: false),
            "File holding the server's issuer, event and link keys, made with mode 0600 on first start; "
                + "portvakt.keys in storage.data_dir when unset. Refused if others may read it."),
        Setting(
            "issuer.time_zone", default: "Europe/Stockholm", .text(secret: false),
            "IANA time zone in which weekly grant schedules are read when credentials are issued."),
        Setting(
            "log.level", default: "info", .choice(LogLevelNames.all),
            "Lowest level written: trace, debug, info, notice, warning, error, critical."),
        Setting("log.access", default: "true", .boolean, "Write one log record per HTTP request."),
        Setting(
            "retention.audit_days", default: "730", .integer(90...3650),
            "Days audit entries are kept; older ones are purged through a checkpoint. API tokens are deleted this"
                + " long after they expired or were revoked."),
        Setting(
            "retention.events_days", default: "365", .integer(30...3650),
            "Days lock and key events are kept, for the event tables' purge step."),
        Setting(
            "retention.idempotency_hours", default: "24", .integer(1...24),
            "Hours a stored idempotent response is kept and replayed at most; the purge removes older ones."),
        Setting(
            "retention.purge_interval_minutes", default: "60", .integer(0...10080),
            "Minutes between purges in serve, the first at start; 0 turns them off (run portvakt purge instead)."),
    ]
}

/// The level names, spelled out here so Configuration need not depend on Observability.
enum LogLevelNames {
    static let all = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
