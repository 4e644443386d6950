import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/emergency-grants`: the central administrator gives one employee (named directly or
/// by the key they hold) access to one recipient's doors or to one lock, starting at once and
/// for a short time, for a reason from a fixed list. A provider's roles read the emergency
/// grants of their own staff and nothing else.
struct EmergencyGrantRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// Why emergency access was given. A fixed list, so that no free text (and no personal data)
    /// enters the record.
    enum Reason: String, CaseIterable {
        /// A safety alarm from the recipient.
        case safetyAlarm = "safety_alarm"
        /// No answer at a planned visit, and concern for the recipient's safety.
        case noContact = "no_contact"
        /// The regular staff's key, or the lock, failed.
        case keyOrLockFailure = "key_or_lock_failure"
        /// The provider's own staff cannot get there in time.
        case staffUnavailable = "staff_unavailable"
    }

    /// An emergency grant as the API shows it; exactly one of `recipientID` and `doorID` is set.
    struct EmergencyGrant: Codable {
        var id: String
        /// The provider of the employee.
        var organisationID: String
        var employeeID: String
        var recipientID: String?
        var doorID: String?
        var from: Int64
        var to: Int64
        var reason: String
        var createdAt: Int64
    }

    /// What a client sends: one of `employeeID` and `keyID`, one of `recipientID`, `doorID` and
    /// `lockID`, a duration and a reason.
    struct CreateRequest: Codable {
        var employeeID: String?
        /// A key; the grant goes to the employee who holds it now.
        var keyID: String?
        var recipientID: String?
        var doorID: String?
        /// A lock fitted now; the grant is for its door.
        var lockID: String?
        var durationMinutes: Int64
        var reason: String
    }

    /// A page of emergency grants.
    typealias Page = APIPage<EmergencyGrant>

    static let writers: Set<Role> = [.centralAdministrator]
    static let readers = Role.staffReaders
    /// The longest emergency grant, in minutes: emergency access is for the emergency at hand.
    static let longestMinutes: Int64 = 240

    func register(in api: inout APIRouter) {
        let id = JSONSchema.string(pattern: "^[0-9]+$")
        let reasons = Reason.allCases.map(\.rawValue)
        api.define(
            "EmergencyGrant",
            .object(
                [
                    "id": id, "organisationID": .string(), "employeeID": id, "recipientID": id, "doorID": id,
                    "from": .integer(), "to": .integer(), "reason": .string(), "createdAt": .integer(),
                ], required: ["id", "organisationID", "employeeID", "from", "to", "reason", "createdAt"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/emergency-grants", summary: "Give one employee emergency access, starting now",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "grants", id: "createEmergencyGrant", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "employeeID": id, "keyID": id, "recipientID": id, "doorID": id,
                        "lockID": .string(pattern: LockInstallationRoutes.lockIDPattern),
                        "durationMinutes": .integer(minimum: 1, maximum: Self.longestMinutes),
                        "reason": .string(values: reasons),
                    ], required: ["durationMinutes", "reason"], additional: true),
                success: (.created, .reference("EmergencyGrant")), errors: [.conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/emergency-grants", summary: "List emergency grants (a provider sees its own staff's)",
            roles: Self.readers,
            OpenAPIOperation(
                tag: "grants", id: "listEmergencyGrants",
                query: [
                    .init(
                        "organisation", .string(), "the staff's provider; the caller's own, or all for the central unit"
                    ),
                    .init("employee", .integer(minimum: 1), "only this employee's emergency grants"),
                    .init("recipient", .integer(minimum: 1), "only emergency grants for this recipient"),
                    .init("after", .integer(minimum: 0), "return emergency grants after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "emergency grants per page, 100 by default"),
                ],
                success: (
                    .ok,
                    .object(["items": .array(.reference("EmergencyGrant")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/emergency-grants/:id", summary: "Read an emergency grant", roles: Self.readers,
            OpenAPIOperation(
                tag: "grants", id: "getEmergencyGrant", success: (.ok, .reference("EmergencyGrant")),
                errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .delete, "/api/v1/emergency-grants/:id", summary: "End an emergency grant now (its history stays)",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "grants", id: "revokeEmergencyGrant", success: (.ok, .reference("EmergencyGrant")),
                errors: [.notFound, .conflict])
        ) { try routes.revoke($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        if (body.employeeID == nil) == (body.keyID == nil) {
            errors.append(.init(field: "employeeID", message: "name either the employee or the key they hold"))
        }
        if [body.recipientID, body.doorID, body.lockID].compactMap({ $0 }).count != 1 {
            errors.append(.init(field: "recipientID", message: "name exactly one of recipientID, doorID and lockID"))
        } else if let lock = body.lockID, !LockInstallationRoutes.isLockID(lock) {
            errors.append(
                .init(field: "lockID", message: "the lock's commissioned identity: 32 lowercase hexadecimal digits"))
        }
        if !(1...Self.longestMinutes).contains(body.durationMinutes) {
            errors.append(
                .init(field: "durationMinutes", message: "1 to \(Self.longestMinutes) minutes; renew it if needed"))
        }
        if Reason(rawValue: body.reason) == nil {
            let reasons = Reason.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(.init(field: "reason", message: "one of \(reasons)"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid emergency grant")

        let store = store()
        let grant = try database.write { connection in
            let employee = try Self.employee(body, connection)
            let start = now()
            let target = try Self.target(body, at: start, connection)
            let id = try store.grantEmergency(
                employee: employee, target: target,
                validity: Period(
                    start: WallTime(millisecondsSinceEpoch: start),
                    end: WallTime(millisecondsSinceEpoch: start + body.durationMinutes * 60_000)),
                reason: body.reason, in: connection)
            let grant = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "emergency_grant.create", "emergency_grant", id: grant.id, organisationID: grant.organisationID,
                before: nil, after: grant, in: connection)
            return grant
        }
        return try .json(grant, status: .created)
    }

    /// The active employee the request names, directly or by the key they hold.
    private static func employee(_ body: CreateRequest, _ connection: any SQLConnection) throws -> EmployeeID {
        if let text = body.keyID {
            let row = try KeyID(decimal: text).flatMap { key in
                try connection.first(
                    """
                    SELECT e.id FROM keys k JOIN employees e ON e.id = k.employee_id
                    WHERE k.id = $1 AND k.status = 'active' AND e.active = 1
                    """, [.integer(key.rawValue)])
            }
            guard let row else {
                throw invalid("keyID", "an active key held by an active employee", "there is no such key \(text)")
            }
            return EmployeeID(try row.integer("id"))
        }
        let text = body.employeeID ?? ""
        guard let employee = EmployeeID(decimal: text),
            try connection.exists(
                "SELECT 1 FROM employees WHERE id = $1 AND active = 1", [.integer(employee.rawValue)])
        else {
            throw invalid("employeeID", "an active employee", "there is no active employee \(text)")
        }
        return employee
    }

    /// What the request opens: a recipient's doors, or one door named directly or by its lock.
    private static func target(_ body: CreateRequest, at now: Int64, _ connection: any SQLConnection) throws
        -> EmergencyTarget
    {
        if let text = body.recipientID {
            guard let recipient = RecipientID(decimal: text),
                try connection.exists("SELECT 1 FROM recipients WHERE id = $1", [.integer(recipient.rawValue)])
            else { throw invalid("recipientID", "a registered recipient", "there is no recipient \(text)") }
            return .recipient(recipient)
        }
        if let text = body.doorID {
            guard let door = DoorID(decimal: text),
                try connection.exists("SELECT 1 FROM doors WHERE id = $1", [.integer(door.rawValue)])
            else { throw invalid("doorID", "a registered door", "there is no door \(text)") }
            return .door(door)
        }
        let lock = body.lockID ?? ""
        // Fitted now: installations may be recorded ahead of time, so both ends are compared.
        let row = try connection.first(
            """
            SELECT door_id FROM lock_installations
            WHERE lock_id = $1 AND installed_at <= $2 AND (removed_at IS NULL OR removed_at > $2)
            """, [.text(lock), .integer(now)])
        guard let row else { throw invalid("lockID", "a lock fitted to a door now", "lock \(lock) is not fitted now") }
        return .door(DoorID(try row.integer("door_id")))
    }

    private static func invalid(_ field: String, _ expected: String, _ detail: String) -> HTTPError {
        HTTPError(
            .unprocessableContent, title: "Invalid emergency grant", detail: detail,
            errors: [.init(field: field, message: expected)])
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let employee = try request.integerQuery("employee", in: 1...Int64.max)
        let recipient = try request.integerQuery("recipient", in: 1...Int64.max)
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let items = try database.read { connection in
            try connection.execute(
                Self.select + """

                    WHERE g.id > $1 AND (CAST($2 AS TEXT) IS NULL OR e.provider_id = $2)
                        AND (CAST($3 AS BIGINT) IS NULL OR g.employee_id = $3)
                        AND (CAST($4 AS BIGINT) IS NULL OR g.recipient_id = $4)
                    ORDER BY g.id LIMIT $5
                    """,
                [.integer(after), .text(organisationID), .integer(employee), .integer(recipient), .integer(limit)]
            ).map(Self.grant)
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: EmergencyGrantID = try request.entityID("id", "emergency grant")
        return try .json(try database.read { try Self.find(id, scope: principal.scope, $0) })
    }

    private func revoke(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: EmergencyGrantID = try request.entityID("id", "emergency grant")
        let store = store()
        let grant = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            guard before.to > now() else {
                throw HTTPError(.conflict, detail: "emergency grant \(id) has already ended; there is nothing to end")
            }
            try store.revokeEmergencyGrant(id, in: connection)
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "emergency_grant.revoke", "emergency_grant", id: after.id, organisationID: after.organisationID,
                before: before, after: after, in: connection)
            return after
        }
        return try .json(grant)
    }

    private func store() -> AccessStore {
        let now = self.now
        return AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: now()) })
    }

    private func recorder(_ principal: Principal) -> ChangeRecorder {
        ChangeRecorder(principal: principal, now: now)
    }

    private static let select = """
        SELECT g.id, e.provider_id, g.employee_id, g.recipient_id, g.door_id, g.valid_from, g.valid_to, g.reason,
            g.created_at
        FROM emergency_grants g JOIN employees e ON e.id = g.employee_id
        """

    /// Reads an emergency grant within `scope`, the provider of the employee it names.
    static func find(_ id: EmergencyGrantID, scope: String?, _ connection: any SQLConnection) throws
        -> EmergencyGrant
    {
        let row = try connection.first(
            select + " WHERE g.id = $1 AND (CAST($2 AS TEXT) IS NULL OR e.provider_id = $2)",
            [.integer(id.rawValue), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no emergency grant \(id) you can see") }
        return try grant(row)
    }

    private static func grant(_ row: SQLRow) throws -> EmergencyGrant {
        EmergencyGrant(
            id: String(try row.integer("id")), organisationID: try row.text("provider_id"),
            employeeID: String(try row.integer("employee_id")),
            recipientID: try row.optionalInteger("recipient_id").map { String($0) },
            doorID: try row.optionalInteger("door_id").map { String($0) }, from: try row.integer("valid_from"),
            to: try row.integer("valid_to"), reason: try row.text("reason"), createdAt: try row.integer("created_at"))
    }
}
