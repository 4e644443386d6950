import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/grants`: a provider's planners and administrators grant their own staff access to
/// their own recipients' doors, and revoke it; auditors read the grants; the central
/// administrator does all of this on a provider's behalf. A revoked grant keeps its row with the
/// period closed, so what was granted when stays readable.
struct GrantRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// A provider grant as the API shows it.
    struct Grant: Codable {
        var id: String
        var organisationID: String
        /// `employee`, `team` or `all_staff`.
        var subject: String
        var employeeID: String?
        var teamID: String?
        /// `recipient` or `all_recipients`.
        var target: String
        var recipientID: String?
        var from: Int64
        var to: Int64?
        var schedule: [KeyPermissionRoute.Interval]?
        var createdAt: Int64
    }

    /// What a client sends to make a grant.
    struct CreateRequest: Codable {
        /// The granting provider; defaults to the caller's own, and a central administrator must name one.
        var organisationID: String?
        var subject: String
        var employeeID: String?
        var teamID: String?
        var target: String
        var recipientID: String?
        var from: Int64?
        var to: Int64?
        var schedule: [KeyPermissionRoute.Interval]?
    }

    /// A page of grants.
    typealias Page = APIPage<Grant>

    static let writers: Set<Role> = [.centralAdministrator, .providerAdministrator, .planner]
    static let readers = Role.staffReaders
    static let subjects = ["employee", "team", "all_staff"]
    static let targets = ["recipient", "all_recipients"]

    func register(in api: inout APIRouter) {
        let id = JSONSchema.string(pattern: "^[0-9]+$")
        api.define(
            "Grant",
            .object(
                [
                    "id": id, "organisationID": .string(), "subject": .string(values: Self.subjects), "employeeID": id,
                    "teamID": id, "target": .string(values: Self.targets), "recipientID": id, "createdAt": .integer(),
                ].merging(GrantTerms.responseProperties) { first, _ in first },
                required: ["id", "organisationID", "subject", "target", "from", "createdAt"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/grants", summary: "Grant the provider's staff access to the provider's recipients",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "grants", id: "createGrant", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "organisationID": .string(), "subject": .string(values: Self.subjects), "employeeID": id,
                        "teamID": id, "target": .string(values: Self.targets), "recipientID": id,
                    ].merging(GrantTerms.requestProperties) { first, _ in first },
                    required: ["subject", "target"], additional: true),
                success: (.created, .reference("Grant")), errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/grants", summary: "List a provider's grants", roles: Self.readers,
            OpenAPIOperation(
                tag: "grants", id: "listGrants",
                query: [
                    .init(
                        "organisation", .string(), "the provider; the caller's own, or all for the central unit"),
                    .init("employee", .integer(minimum: 1), "only grants naming this employee"),
                    .init("team", .integer(minimum: 1), "only grants naming this team"),
                    .init("recipient", .integer(minimum: 1), "only grants naming this recipient"),
                    .init("after", .integer(minimum: 0), "return grants after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "grants per page, 100 by default"),
                ],
                success: (.ok, .object(["items": .array(.reference("Grant")), "next": .string()], required: ["items"])))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/grants/:id", summary: "Read a grant", roles: Self.readers,
            OpenAPIOperation(tag: "grants", id: "getGrant", success: (.ok, .reference("Grant")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .delete, "/api/v1/grants/:id", summary: "Revoke a grant now (its history stays)", roles: Self.writers,
            OpenAPIOperation(
                tag: "grants", id: "revokeGrant", success: (.ok, .reference("Grant")), errors: [.notFound, .conflict])
        ) { try routes.revoke($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let organisationID = body.organisationID ?? principal.organisationID
        guard principal.mayRead(organisation: organisationID) else {
            throw HTTPError(.notFound, detail: "there is no provider \(organisationID) you can manage")
        }
        var errors: [ProblemDetails.FieldError] = []
        if principal.isCentral && body.organisationID == nil {
            errors.append(.init(field: "organisationID", message: "name the provider that grants the access"))
        }
        let subject = Self.subject(body, &errors)
        let target = Self.target(body, &errors)
        let terms = GrantTerms.read(from: body.from, to: body.to, schedule: body.schedule, now: now(), errors: &errors)
        try EmployeeRoutes.refuse(errors, "Invalid grant")
        guard let subject, let target, let terms else { throw HTTPError(.unprocessableContent) }

        let store = store()
        let grant = try database.write { connection in
            let id: GrantID
            do {
                id = try store.grant(
                    ProviderGrant(
                        provider: organisationID, subject: subject, target: target, validity: terms.validity,
                        schedule: terms.schedule), in: connection)
            } catch let error as AccessError {
                throw Self.refusal(error, subject: subject)
            }
            let grant = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "grant.create", "grant", id: grant.id, organisationID: grant.organisationID, before: nil, after: grant,
                in: connection)
            return grant
        }
        return try .json(grant, status: .created)
    }

    /// Who the request names, or `nil` after adding a field error. Ids that cannot exist are
    /// refused later, with the same answer as another provider's.
    private static func subject(_ body: CreateRequest, _ errors: inout [ProblemDetails.FieldError]) -> GrantSubject? {
        let employee = body.employeeID.flatMap(EmployeeID.init(decimal:))
        let team = body.teamID.flatMap(TeamID.init(decimal:))
        switch body.subject {
        case "employee" where body.teamID == nil:
            guard let employee else {
                errors.append(.init(field: "employeeID", message: "an employee of the provider"))
                return nil
            }
            return .employee(employee)
        case "team" where body.employeeID == nil:
            guard let team else {
                errors.append(.init(field: "teamID", message: "a team of the provider"))
                return nil
            }
            return .team(team)
        case "all_staff" where body.employeeID == nil && body.teamID == nil:
            return .allStaff
        case "employee", "team", "all_staff":
            errors.append(
                .init(field: "subject", message: "give employeeID only for an employee, teamID only for a team"))
        default:
            errors.append(.init(field: "subject", message: "employee, team or all_staff"))
        }
        return nil
    }

    /// Whose doors the request names, or `nil` after adding a field error.
    private static func target(_ body: CreateRequest, _ errors: inout [ProblemDetails.FieldError]) -> GrantTarget? {
        switch body.target {
        case "recipient":
            guard let recipient = body.recipientID.flatMap(RecipientID.init(decimal:)) else {
                errors.append(.init(field: "recipientID", message: "a recipient the provider serves"))
                return nil
            }
            return .recipient(recipient)
        case "all_recipients" where body.recipientID == nil:
            return .allRecipients
        case "all_recipients":
            errors.append(.init(field: "recipientID", message: "leave recipientID out for all recipients"))
        default:
            errors.append(.init(field: "target", message: "recipient or all_recipients"))
        }
        return nil
    }

    /// The answer to a grant the access model refused; another provider's employee, team or
    /// recipient gets the same answer as one that does not exist.
    private static func refusal(_ error: AccessError, subject: GrantSubject) -> any Error {
        let field: ProblemDetails.FieldError
        switch error.code {
        case .notOwnStaff:
            if case .team = subject {
                field = .init(field: "teamID", message: "a team of the provider")
            } else {
                field = .init(field: "employeeID", message: "an employee of the provider")
            }
        case .notOwnRecipient:
            field = .init(
                field: "recipientID", message: "a recipient the provider serves now or after a registered change")
        case .wrongOrganisationKind:
            field = .init(field: "organisationID", message: "grants are made by a care provider")
        default:
            return error
        }
        return HTTPError(.unprocessableContent, title: "Invalid grant", detail: error.message, errors: [field])
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let employee = try request.integerQuery("employee", in: 1...Int64.max)
        let team = try request.integerQuery("team", in: 1...Int64.max)
        let recipient = try request.integerQuery("recipient", in: 1...Int64.max)
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let items = try database.read { connection in
            try connection.execute(
                Self.select + """

                    WHERE g.id > $1 AND (CAST($2 AS TEXT) IS NULL OR g.provider_id = $2)
                        AND (CAST($3 AS BIGINT) IS NULL OR g.employee_id = $3)
                        AND (CAST($4 AS BIGINT) IS NULL OR g.team_id = $4)
                        AND (CAST($5 AS BIGINT) IS NULL OR g.recipient_id = $5)
                    ORDER BY g.id LIMIT $6
                    """,
                [
                    .integer(after), .text(organisationID), .integer(employee), .integer(team), .integer(recipient),
                    .integer(limit),
                ]
            ).map(Self.grant)
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: GrantID = try request.entityID("id", "grant")
        return try .json(try database.read { try Self.find(id, scope: principal.scope, $0) })
    }

    private func revoke(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: GrantID = try request.entityID("id", "grant")
        let store = store()
        let grant = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            // A grant revoked before it started ends where it starts, which may lie ahead.
            if let to = before.to, to <= max(now(), before.from) {
                throw HTTPError(.conflict, detail: "grant \(id) has already ended; there is nothing to revoke")
            }
            try store.revokeGrant(id, provider: before.organisationID, in: connection)
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "grant.revoke", "grant", id: after.id, organisationID: after.organisationID, before: before,
                after: after, in: connection)
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
        SELECT g.id, g.provider_id, g.employee_id, g.team_id, g.recipient_id, g.valid_from, g.valid_to,
            g.created_at, s.text AS schedule
        FROM grants g LEFT JOIN schedules s ON s.id = g.schedule_id
        """

    /// Reads a grant within `scope`; another provider's grant is as missing as one never made.
    static func find(_ id: GrantID, scope: String?, _ connection: any SQLConnection) throws -> Grant {
        let row = try connection.first(
            select + " WHERE g.id = $1 AND (CAST($2 AS TEXT) IS NULL OR g.provider_id = $2)",
            [.integer(id.rawValue), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no grant \(id) you can see") }
        return try grant(row)
    }

    private static func grant(_ row: SQLRow) throws -> Grant {
        let employee = try row.optionalInteger("employee_id")
        let team = try row.optionalInteger("team_id")
        let recipient = try row.optionalInteger("recipient_id")
        return Grant(
            id: String(try row.integer("id")), organisationID: try row.text("provider_id"),
            subject: employee != nil ? "employee" : team != nil ? "team" : "all_staff",
            employeeID: employee.map { String($0) }, teamID: team.map { String($0) },
            target: recipient != nil ? "recipient" : "all_recipients", recipientID: recipient.map { String($0) },
            from: try row.integer("valid_from"), to: try row.optionalInteger("valid_to"),
            schedule: try GrantTerms.intervals(try row.optionalText("schedule")),
            createdAt: try row.integer("created_at"))
    }
}
