import Observability
import Storage

/// The access model over any storage backend: organisations, staff and keys, recipients and
/// their providers, buildings, doors and locks, and the grants between them.
///
/// Every change runs in one transaction and is validated against the model's rules; a refused
/// change throws `AccessError` and leaves nothing behind. Times come from the injected clock
/// unless the caller dates a change explicitly (a provider change from a given date).
public struct AccessStore: Sendable {
    /// The database holding the model; migrate it with `AuthorizationSchema.migrations` first.
    public let database: any Database
    let clock: @Sendable () -> WallTime
    let logger: Logger
    let scheduleCache = ScheduleCache()

    /// Creates a store.
    /// - Parameters:
    ///   - database: a database migrated with `AuthorizationSchema.migrations`.
    ///   - clock: the source of "now" for dating changes; injectable for tests.
    ///   - logger: receives one record per security-relevant change (ids only, no names).
    public init(
        database: any Database, clock: @escaping @Sendable () -> WallTime = WallTime.now, logger: Logger = .disabled
    ) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    /// The kinds of organisation: the central unit that owns the system, and care providers.
    public enum OrganisationKind: String, Sendable {
        case central
        case provider
    }

    /// Registers an organisation.
    /// - Throws: `AccessError` `.duplicate` when the id or name is taken.
    public func createOrganisation(id: String, kind: OrganisationKind, name: String) throws {
        try database.write { connection in
            try createOrganisation(id: id, kind: kind, name: name, in: connection)
        }
    }

    /// Registers an organisation inside the caller's transaction, so that the caller can record
    /// the change atomically with it.
    /// - Throws: `AccessError` `.duplicate` when the id or name is taken.
    public func createOrganisation(id: String, kind: OrganisationKind, name: String, in connection: any SQLConnection)
        throws
    {
        let now = clock()
        try translating(duplicate: "an organisation with this id or name") {
            try connection.execute(
                "INSERT INTO organisations (id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
                [.text(id), .text(kind.rawValue), .text(name), now.sql])
        }
    }

    /// Runs `body` in a write transaction, translating constraint failures into `AccessError`.
    @discardableResult
    func write<T>(duplicate what: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch {
            throw AccessError.translating(error, duplicate: what)
        }
    }

    /// Runs `body` inside the caller's transaction, translating constraint failures into
    /// `AccessError`; the caller's transaction is then rolled back by the error.
    @discardableResult
    func translating<T>(duplicate what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw AccessError.translating(error, duplicate: what)
        }
    }

    /// Checks that `provider` is a care provider.
    func requireProvider(_ provider: String, _ connection: any SQLConnection) throws {
        let row = try connection.first("SELECT kind FROM organisations WHERE id = $1", [.text(provider)])
        guard let row else { throw AccessError(.notFound, "there is no organisation with id \(provider)") }
        guard try row.text("kind") == OrganisationKind.provider.rawValue else {
            throw AccessError(.wrongOrganisationKind, "\(provider) is not a care provider")
        }
    }
}

/// A half-open period of time, `[start, end)`; no end means open-ended.
public struct Period: Sendable, Equatable {
    /// The first moment inside the period.
    public var start: WallTime
    /// The first moment after the period, or `nil` when it has no end yet.
    public var end: WallTime?

    /// Creates a period.
    public init(start: WallTime, end: WallTime? = nil) {
        self.start = start
        self.end = end
    }

    /// Throws unless the period contains at least one moment.
    func validate() throws {
        if let end, end <= start {
            throw AccessError(.invalidPeriod, "the period ends at \(end.iso8601), before it starts at \(start.iso8601)")
        }
    }
}

extension WallTime {
    /// The time as stored: milliseconds since the epoch.
    var sql: SQLValue { .integer(millisecondsSinceEpoch) }
}

extension Optional where Wrapped == WallTime {
    /// An optional time as stored; `NULL` for an open end.
    var sql: SQLValue { map(\.sql) ?? .null }
}

extension SQLConnection {
    /// Runs an `INSERT … RETURNING id` and returns the new row's id.
    func insertReturningID(_ sql: String, _ parameters: [SQLValue]) throws -> Int64 {
        guard let row = try first(sql + " RETURNING id", parameters) else {
            throw StorageError(.backend, "an insert returned no id")
        }
        return try row.integer("id")
    }

    /// Whether the query returns at least one row.
    func exists(_ sql: String, _ parameters: [SQLValue]) throws -> Bool {
        try first(sql, parameters) != nil
    }
}
