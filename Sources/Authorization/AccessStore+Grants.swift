import Observability
import Storage

/// Who a provider grant is for.
public enum GrantSubject: Sendable, Hashable {
    /// One employee.
    case employee(EmployeeID)
    /// Every current member of a team (route group).
    case team(TeamID)
    /// All the provider's active staff, such as the night patrol.
    case allStaff
}

/// Whose doors a provider grant opens.
public enum GrantTarget: Sendable, Hashable {
    /// One recipient's apartment doors, and the entrances of their buildings.
    case recipient(RecipientID)
    /// Every recipient the provider serves at the time of the shift.
    case allRecipients
}

/// What a central emergency grant opens.
public enum EmergencyTarget: Sendable, Hashable {
    /// A recipient's apartment doors and the entrances of their buildings.
    case recipient(RecipientID)
    /// One door (and, for an apartment door, the entrances of its building).
    case door(DoorID)
}

/// A planner's grant of access to the provider's own staff for the provider's own recipients.
public struct ProviderGrant: Sendable, Equatable {
    /// The granting provider.
    public var provider: String
    /// Who receives access.
    public var subject: GrantSubject
    /// Whose doors.
    public var target: GrantTarget
    /// When the grant applies.
    public var validity: Period
    /// When in the week it may be used; `nil` for any time.
    public var schedule: WeeklySchedule?

    /// Creates a grant description.
    public init(
        provider: String, subject: GrantSubject, target: GrantTarget, validity: Period, schedule: WeeklySchedule? = nil
    ) {
        self.provider = provider
        self.subject = subject
        self.target = target
        self.validity = validity
        self.schedule = schedule
    }
}

extension AccessStore {
    /// Records a provider's grant.
    ///
    /// A provider may grant only its own staff, and only for recipients it serves now or will
    /// serve after a registered provider change. The grant never reaches past the provider's
    /// period of service: effective permissions intersect the two.
    /// - Throws: `AccessError` `.notOwnStaff`, `.notOwnRecipient`, `.invalidPeriod`.
    public func grant(_ grant: ProviderGrant) throws -> GrantID {
        try database.write { connection in
            try self.grant(grant, in: connection)
        }
    }

    /// Records a provider's grant inside the caller's transaction, so that the caller can record
    /// the change atomically with it.
    /// - Throws: as `grant(_:)`.
    public func grant(_ grant: ProviderGrant, in connection: any SQLConnection) throws -> GrantID {
        try grant.validity.validate()
        try Self.validate(grant.schedule)
        let now = clock()
        let id = try translating(duplicate: "the grant") {
            try requireProvider(grant.provider, connection)
            var employee: Int64?
            var team: Int64?
            switch grant.subject {
            case .employee(let id):
                employee = id.rawValue
                try requireOwn("employees", id.rawValue, grant.provider, connection)
            case .team(let id):
                team = id.rawValue
                try requireOwn("teams", id.rawValue, grant.provider, connection)
            case .allStaff:
                break
            }
            var recipient: Int64?
            if case .recipient(let id) = grant.target {
                recipient = id.rawValue
                let served = try connection.exists(
                    """
                    SELECT 1 FROM recipient_providers
                    WHERE recipient_id = $1 AND provider_id = $2 AND (valid_to IS NULL OR valid_to > $3)
                    """, [.integer(id.rawValue), .text(grant.provider), now.sql])
                guard served else {
                    throw AccessError(
                        .notOwnRecipient, "\(grant.provider) does not serve recipient \(id) now or in the future")
                }
            }
            let schedule = try scheduleID(grant.schedule, connection)
            return try connection.insertReturningID(
                """
                INSERT INTO grants (provider_id, employee_id, team_id, recipient_id, valid_from, valid_to, schedule_id,
                    created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    .text(grant.provider), .integer(employee), .integer(team), .integer(recipient),
                    grant.validity.start.sql, grant.validity.end.sql, .integer(schedule), now.sql,
                ])
        }
        logger.info("access granted", ["access.grant_id": .int(Int(id))])
        return GrantID(id)
    }

    /// Ends a provider's grant now; a grant that has not started yet never starts. The row
    /// stays, so the grant's history can still be read.
    /// - Throws: `AccessError` `.notFound` when the provider has no such grant still running.
    public func revokeGrant(_ grant: GrantID, provider: String) throws {
        try database.write { connection in
            try revokeGrant(grant, provider: provider, in: connection)
        }
    }

    /// Ends a provider's grant now, inside the caller's transaction.
    /// - Throws: as `revokeGrant(_:provider:)`.
    public func revokeGrant(_ grant: GrantID, provider: String, in connection: any SQLConnection) throws {
        let now = clock()
        let rows = try connection.execute(
            """
            UPDATE grants SET valid_to = CASE WHEN valid_from > $3 THEN valid_from ELSE $3 END
            WHERE id = $1 AND provider_id = $2 AND (valid_to IS NULL OR valid_to > $3) RETURNING id
            """, [.integer(grant.rawValue), .text(provider), now.sql])
        guard !rows.isEmpty else {
            throw AccessError(.notFound, "\(provider) has no running grant \(grant)")
        }
        logger.info("access revoked", ["access.grant_id": .int(Int(grant.rawValue))])
    }

    /// Records a central area grant: `employee` may open every lock in the district's
    /// buildings, such as a night patrol covering several districts (one grant per district).
    public func grantArea(
        employee: EmployeeID, district: DistrictID, validity: Period, schedule: WeeklySchedule? = nil
    ) throws -> AreaGrantID {
        try write(duplicate: "the area grant") { connection in
            try grantArea(
                employee: employee, district: district, validity: validity, schedule: schedule, in: connection)
        }
    }

    /// Records a central area grant inside the caller's transaction.
    /// - Throws: `AccessError` `.invalidPeriod` for an empty period or schedule.
    public func grantArea(
        employee: EmployeeID, district: DistrictID, validity: Period, schedule: WeeklySchedule?,
        in connection: any SQLConnection
    ) throws -> AreaGrantID {
        try validity.validate()
        try Self.validate(schedule)
        let now = clock()
        let id = try translating(duplicate: "the area grant") {
            let stored = try scheduleID(schedule, connection)
            return try connection.insertReturningID(
                """
                INSERT INTO area_grants (employee_id, district_id, valid_from, valid_to, schedule_id, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    .integer(employee.rawValue), .integer(district.rawValue), validity.start.sql, validity.end.sql,
                    .integer(stored), now.sql,
                ])
        }
        logger.notice("area access granted", ["access.area_grant_id": .int(Int(id))])
        return AreaGrantID(id)
    }

    /// Ends an area grant now, inside the caller's transaction; one that has not started yet
    /// never starts. The row stays for the grant's history.
    /// - Throws: `AccessError` `.notFound` when there is no such area grant still running.
    public func revokeAreaGrant(_ grant: AreaGrantID, in connection: any SQLConnection) throws {
        let now = clock()
        let rows = try connection.execute(
            """
            UPDATE area_grants SET valid_to = CASE WHEN valid_from > $2 THEN valid_from ELSE $2 END
            WHERE id = $1 AND (valid_to IS NULL OR valid_to > $2) RETURNING id
            """, [.integer(grant.rawValue), now.sql])
        guard !rows.isEmpty else { throw AccessError(.notFound, "there is no running area grant \(grant)") }
        logger.notice("area access revoked", ["access.area_grant_id": .int(Int(grant.rawValue))])
    }

    /// Records a central, time-limited emergency grant, for instance when a safety alarm comes
    /// from a recipient whose provider's staff cannot get there.
    /// - Parameters:
    ///   - reason: why access was needed, kept for the audit trail; no personal data.
    /// - Throws: `AccessError` `.invalidPeriod` unless `validity` has an end.
    public func grantEmergency(
        employee: EmployeeID, target: EmergencyTarget, validity: Period, reason: String
    ) throws -> EmergencyGrantID {
        try write(duplicate: "the emergency grant") { connection in
            try grantEmergency(employee: employee, target: target, validity: validity, reason: reason, in: connection)
        }
    }

    /// Records a central emergency grant inside the caller's transaction.
    /// - Throws: as `grantEmergency(employee:target:validity:reason:)`.
    public func grantEmergency(
        employee: EmployeeID, target: EmergencyTarget, validity: Period, reason: String,
        in connection: any SQLConnection
    ) throws -> EmergencyGrantID {
        try validity.validate()
        guard let end = validity.end else {
            throw AccessError(.invalidPeriod, "an emergency grant needs an end; give it one")
        }
        var recipient: Int64?
        var door: Int64?
        switch target {
        case .recipient(let id): recipient = id.rawValue
        case .door(let id): door = id.rawValue
        }
        let now = clock()
        let id = try translating(duplicate: "the emergency grant") {
            try connection.insertReturningID(
                """
                INSERT INTO emergency_grants (employee_id, recipient_id, door_id, valid_from, valid_to, reason,
                    created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .integer(employee.rawValue), .integer(recipient), .integer(door), validity.start.sql, end.sql,
                    .text(reason), now.sql,
                ])
        }
        logger.notice("emergency access granted", ["access.emergency_grant_id": .int(Int(id))])
        return EmergencyGrantID(id)
    }

    /// Ends an emergency grant now, inside the caller's transaction. The row stays for the
    /// grant's history.
    /// - Throws: `AccessError` `.notFound` when there is no such emergency grant still running.
    public func revokeEmergencyGrant(_ grant: EmergencyGrantID, in connection: any SQLConnection) throws {
        // Known limitation: an emergency grant's period may not be empty, so one revoked at or
        // before its start keeps its first millisecond; see docs/limitations.md.
        let now = clock()
        let rows = try connection.execute(
            """
            UPDATE emergency_grants SET valid_to = CASE WHEN valid_from < $2 THEN $2 ELSE valid_from + 1 END
            WHERE id = $1 AND valid_to > $2 RETURNING id
            """, [.integer(grant.rawValue), now.sql])
        guard !rows.isEmpty else { throw AccessError(.notFound, "there is no running emergency grant \(grant)") }
        logger.notice("emergency access revoked", ["access.emergency_grant_id": .int(Int(grant.rawValue))])
    }

    private func requireOwn(_ table: String, _ id: Int64, _ provider: String, _ connection: any SQLConnection) throws {
        let own = try connection.exists(
            "SELECT 1 FROM \(table) WHERE id = $1 AND provider_id = $2", [.integer(id), .text(provider)])
        guard own else {
            throw AccessError(.notOwnStaff, "\(provider) has no \(table == "teams" ? "team" : "employee") \(id)")
        }
    }

    /// The id of `schedule`'s row, created on first use; `nil` for "any time".
    private func scheduleID(_ schedule: WeeklySchedule?, _ connection: any SQLConnection) throws -> Int64? {
        guard let schedule else { return nil }
        // DO UPDATE rather than DO NOTHING, so that RETURNING yields the existing row's id.
        return try connection.insertReturningID(
            "INSERT INTO schedules (text) VALUES ($1) ON CONFLICT (text) DO UPDATE SET text = excluded.text",
            [.text(schedule.description)])
    }

    private static func validate(_ schedule: WeeklySchedule?) throws {
        if let schedule, schedule.intervals.isEmpty {
            throw AccessError(.invalidPeriod, "the schedule allows no time at all; leave it out for any time")
        }
    }
}
