import HTTPServer
import Storage

/// A sync station as the API shows it: what it is, where its enrolment stands, and the state
/// its last heartbeat reported. Times are milliseconds since the epoch.
struct StationRecord: Codable, Equatable {
    var id: String
    var organisationID: String
    var name: String
    /// `pending` (code not yet used), `expired` (code unused and past its time), `active`, or
    /// `revoked`.
    var status: String
    var createdAt: Int64
    /// Until when the enrolment code works; absent once the station has enrolled.
    var enrolmentExpiresAt: Int64?
    var enrolledAt: Int64?
    var revokedAt: Int64?
    /// Whether a heartbeat arrived within the last two minutes.
    var online: Bool
    var lastHeartbeatAt: Int64?
    /// When a key last synced through the station.
    var lastSyncAt: Int64?
    var queueDepth: Int64?
    var queueCapacity: Int64?
    var oldestQueuedAt: Int64?
    /// Waiting reports the server rejected, which the station keeps for its operator
    /// (`portvakt station status`, docs/station.md §7); absent when the station did not say.
    var rejectedReports: Int64?
    var power: String?
    var batteryPercent: Int64?
    var uplink: String?
    var version: String?
    /// The one-time enrolment code, only in the answer that created the station.
    var enrolmentCode: String?

    /// A station counts as online this long after its last heartbeat.
    static let onlineWindow: Int64 = 2 * 60 * 1000

    /// The columns ``init(row:now:)`` reads.
    static let columns = """
        id, organisation_id, name, created_at, enrolment_expires_at, enrolled_at, revoked_at, heartbeat_at,
        queue_depth, queue_capacity, oldest_queued_at, last_sync_at, power, battery_percent, uplink, software_version,
        rejected_reports
        """

    init(row: SQLRow, now: Int64) throws {
        id = String(try row.integer("id"))
        organisationID = try row.text("organisation_id")
        name = try row.text("name")
        createdAt = try row.integer("created_at")
        enrolledAt = try row.optionalInteger("enrolled_at")
        revokedAt = try row.optionalInteger("revoked_at")
        let expires = try row.integer("enrolment_expires_at")
        enrolmentExpiresAt = enrolledAt == nil && revokedAt == nil ? expires : nil
        status =
            revokedAt != nil ? "revoked" : enrolledAt != nil ? "active" : expires > now ? "pending" : "expired"
        lastHeartbeatAt = try row.optionalInteger("heartbeat_at")
        online = revokedAt == nil && (lastHeartbeatAt.map { now - $0 <= Self.onlineWindow } ?? false)
        lastSyncAt = try row.optionalInteger("last_sync_at")
        queueDepth = try row.optionalInteger("queue_depth")
        queueCapacity = try row.optionalInteger("queue_capacity")
        oldestQueuedAt = try row.optionalInteger("oldest_queued_at")
        rejectedReports = try row.optionalInteger("rejected_reports")
        power = try row.optionalText("power")
        batteryPercent = try row.optionalInteger("battery_percent")
        uplink = try row.optionalText("uplink")
        version = try row.optionalText("software_version")
    }

    /// The station's JSON schema, for the OpenAPI document.
    static let schema = JSONSchema.object(
        [
            "id": .string(pattern: "^[0-9]+$"), "organisationID": .string(), "name": .string(),
            "status": .string(values: ["pending", "expired", "active", "revoked"]), "createdAt": .integer(),
            "enrolmentExpiresAt": .integer(), "enrolledAt": .integer(), "revokedAt": .integer(), "online": .boolean,
            "lastHeartbeatAt": .integer(), "lastSyncAt": .integer(), "queueDepth": .integer(minimum: 0),
            "queueCapacity": .integer(minimum: 0), "oldestQueuedAt": .integer(),
            "rejectedReports": .integer(minimum: 0),
            "power": .string(values: ["mains", "battery", "unknown"]),
            "batteryPercent": .integer(minimum: 0, maximum: 100), "uplink": .string(), "version": .string(),
            "enrolmentCode": .string(pattern: "^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$"),
        ],
        required: ["id", "organisationID", "name", "status", "createdAt", "online"])

    /// Reads a station within `scope`; another provider's station is as missing as one never made.
    static func find(_ id: Int64, scope: String?, now: Int64, _ connection: any SQLConnection) throws -> StationRecord {
        let row = try connection.first(
            "SELECT \(columns) FROM stations WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR organisation_id = $2)",
            [.integer(id), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no station \(id) you can see") }
        return try StationRecord(row: row, now: now)
    }
}
