import Storage

/// Reads the event log for people: door events within a scope, and the findings.
public struct EventReader: Sendable {
    /// A reader; it holds nothing.
    public init() {}

    /// Door events matching `filter` that `scope` may see, ordered by time and then id.
    ///
    /// A provider sees only events that name one of its own keys; events that name no key, or
    /// a key the server does not know, are the central unit's alone.
    public func doorEvents(_ filter: DoorEventFilter, scope: EventScope, in connection: any SQLConnection) throws
        -> [DoorEvent]
    {
        let columns: String
        let table: String
        switch filter.source {
        case .lock:
            columns = "i.key_id, e.key_identity, CASE WHEN e.counter <= c.high_counter THEN 1 ELSE 0 END AS confirmed"
            table = """
                lock_events e LEFT JOIN event_key_identities i ON i.key_identity = e.key_identity
                LEFT JOIN keys k ON k.id = i.key_id LEFT JOIN lock_event_chains c ON c.lock_id = e.lock_id
                """
        case .key:
            columns = "e.key_id, NULL AS key_identity, 1 AS confirmed"
            table = "key_events e JOIN keys k ON k.id = e.key_id"
        }
        let cursor = filter.after ?? DoorEventCursor(time: Int64.min, id: 0)
        let rows = try connection.execute(
            """
            SELECT e.id, e.lock_id, e.counter, e.happened_at, e.kind, e.reason, e.detail, \(columns)
            FROM \(table)
            WHERE (CAST($1 AS TEXT) IS NULL OR k.provider_id = $1)
              AND (CAST($2 AS TEXT) IS NULL OR e.lock_id = $2)
              AND (CAST($3 AS BIGINT) IS NULL OR k.id = $3)
              AND (CAST($4 AS BIGINT) IS NULL OR e.happened_at >= $4)
              AND (CAST($5 AS BIGINT) IS NULL OR e.happened_at < $5)
              AND (e.happened_at > $6 OR (e.happened_at = $6 AND e.id > $7))
            ORDER BY e.happened_at, e.id LIMIT $8
            """,
            [
                .text(scope.providerID), .text(filter.lockID), .integer(filter.keyID), .integer(filter.from),
                .integer(filter.to), .integer(cursor.time), .integer(cursor.id), .integer(Int64(filter.limit)),
            ])
        return try rows.map { try DoorEvent(source: filter.source, $0) }
    }

    /// Findings matching `filter`, oldest first; for the central unit only.
    public func findings(_ filter: EventFindingFilter, in connection: any SQLConnection) throws -> [EventFinding] {
        try connection.execute(
            """
            SELECT \(EventFinding.columns) FROM event_findings
            WHERE id > $1
              AND (CAST($2 AS TEXT) IS NULL OR kind = $2)
              AND (CAST($3 AS TEXT) IS NULL OR lock_id = $3)
              AND ($4 = 0 OR resolved_at IS NULL)
            ORDER BY id LIMIT $5
            """,
            [
                .integer(filter.after), .text(filter.kind?.rawValue), .text(filter.lockID), .bool(filter.openOnly),
                .integer(Int64(filter.limit)),
            ]
        ).map(EventFinding.init)
    }
}

/// Which findings to list, and from where in the list.
public struct EventFindingFilter: Equatable, Sendable {
    /// Only findings of this kind.
    public var kind: EventFinding.Kind?
    /// Only findings about this lock (32 lowercase hexadecimal characters).
    public var lockID: String?
    /// Only findings not yet resolved.
    public var openOnly = false
    /// Only findings with a greater id.
    public var after: Int64 = 0
    /// The most findings to return.
    public var limit: Int = 100

    /// A filter that matches every finding.
    public init() {}
}
