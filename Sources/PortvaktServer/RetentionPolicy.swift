import Configuration

/// How long each kind of record is kept, from the `retention.*` settings.
public struct RetentionPolicy: Sendable, Equatable {
    /// Audit entries, and API tokens after they ended.
    public var audit: Duration
    /// Lock and key events.
    public var events: Duration
    /// Stored idempotent responses.
    public var idempotency: Duration
    /// Time between purges inside `portvakt serve`; `nil` when the server does not purge.
    public var purgeInterval: Duration?

    /// A policy with the given periods.
    public init(audit: Duration, events: Duration, idempotency: Duration, purgeInterval: Duration?) {
        self.audit = audit
        self.events = events
        self.idempotency = idempotency
        self.purgeInterval = purgeInterval
    }

    /// The policy the validated settings describe.
    public init(_ configuration: Configuration) {
        let day = 24 * 3600
        let minutes = configuration.integer("retention.purge_interval_minutes")
        self.init(
            audit: .seconds(configuration.integer("retention.audit_days") * day),
            events: .seconds(configuration.integer("retention.events_days") * day),
            idempotency: .seconds(configuration.integer("retention.idempotency_hours") * 3600),
            purgeInterval: minutes == 0 ? nil : .seconds(minutes * 60))
    }

    /// The time before which records kept for `period` are removed at `now` (both in
    /// milliseconds since the Unix epoch).
    public static func cutoff(_ period: Duration, now: Int64) -> Int64 {
        now - period.components.seconds * 1000
    }
}
