import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/area-grants`: the central administrator lets a provider's staff, such as its night
/// patrol, open every door in the districts the provider works in. Each area grant is one
/// employee in one district; a request names employees, teams or both and several districts,
/// and makes one grant for each pair. A provider's roles read the area grants of their own
/// staff and nothing else.
struct AreaGrantRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// An area grant as the API shows it.
    struct AreaGrant: Codable {
        var id: String
        /// The provider of the employee.
        var organisationID: String
        var employeeID: String
        var districtID: String
        var from: Int64
        var to: Int64?
        var schedule: [KeyPermissionRoute.Interval]?
        var createdAt: Int64
    }

    /// What a client sends to make area grants.
    struct CreateRequest: Codable {
        /// The provider whose staff receive access.
        var organisationID: String
        var employeeIDs: [String]?
        /// Teams whose active members receive access, each as of this request.
        var teamIDs: [String]?
        var districtIDs: [String]
        var from: Int64?
        var to: Int64?
        var schedule: [KeyPermissionRoute.Interval]?
    }

    /// The grants one request made.
    struct Created: Codable {
        var items: [AreaGrant]
    }

    /// A page of area grants.
    typealias Page = APIPage<AreaGrant>

    static let writers: Set<Role> = [.centralAdministrator]
    static let readers = Role.staffReaders
    /// The most grants one request may make.
    static let mostPerRequest = 1000

    func register(in api: inout APIRouter) {
        let id = JSONSchema.string(pattern: "^[0-9]+$")
        api.define(
            "AreaGrant",
            .object(
                [
                    "id": id, "organisationID": .string(), "employeeID": id, "districtID": id, "createdAt": .integer(),
                ].merging(GrantTerms.responseProperties) { first, _ in first },
                required: ["id", "organisationID", "employeeID", "districtID", "from", "createdAt"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/area-grants", summary: "Let a provider's staff open every door in districts",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "grants", id: "createAreaGrants", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "organisationID": .string(), "employeeIDs": .array(id, maxItems: 200),
                        "teamIDs": .array(id, maxItems: 20), "districtIDs": .array(id, maxItems: 20),
                    ].merging(GrantTerms.requestProperties) { first, _ in first },
                    required: ["organisationID", "districtIDs"], additional: true),
                success: (.created, .object(["items": .array(.reference("AreaGrant"))], required: ["items"])),
                errors: [.conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/area-grants", summary: "List area grants (a provider sees its own staff's)",
            roles: Self.readers,
            OpenAPIOperation(
                tag: "grants", id: "listAreaGrants",
                query: [
                    .init(
                        "organisation", .string(), "the staff's provider; the caller's own, or all for the central unit"
                    ),
                    .init("employee", .integer(minimum: 1), "only this employee's area grants"),
                    .init("district", .integer(minimum: 1), "only area grants in this district"),
                    .init("after", .integer(minimum: 0), "return area grants after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "area grants per page, 100 by default"),
                ],
                success: (
                    .ok, .object(["items": .array(.reference("AreaGrant")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/area-grants/:id", summary: "Read an area grant", roles: Self.readers,
            OpenAPIOperation(
                tag: "grants", id: "getAreaGrant", success: (.ok, .reference("AreaGrant")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .delete, "/api/v1/area-grants/:id", summary: "Revoke an area grant now (its history stays)",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "grants", id: "revokeAreaGrant", success: (.ok, .reference("AreaGrant")),
                errors: [.notFound, .conflict])
        ) { try routes.revoke($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        let terms = GrantTerms.read(from: body.from, to: body.to, schedule: body.schedule, now: now(), errors: &errors)
        try EmployeeRoutes.refuse(errors, "Invalid area grant")
        guard let terms else { throw HTTPError(.unprocessableContent) }

        let store = store()
        let grants = try database.write { connection in
            let (employees, districts) = try Self.resolve(body, connection)
            var grants: [AreaGrant] = []
            for employee in employees {
                for district in districts {
                    let id = try store.grantArea(
                        employee: employee, district: district, validity: terms.validity, schedule: terms.schedule,
                        in: connection)
                    let grant = try Self.find(id, scope: nil, connection)
                    try recorder(principal).record(
                        "area_grant.create", "area_grant", id: grant.id, organisationID: grant.organisationID,
                        before: nil, after: grant, in: connection)
                    grants.append(grant)
                }
            }
            return grants
        }
        return try .json(Created(items: grants), status: .created)
    }

    /// The employees and districts a request names, each once, checked against the provider.
    ///
    /// - Throws: `HTTPError` 422 naming every field that does not fit the provider.
    private static func resolve(_ body: CreateRequest, _ connection: any SQLConnection) throws
        -> (employees: [EmployeeID], districts: [DistrictID])
    {
        let provider = body.organisationID
        var errors: [ProblemDetails.FieldError] = []
        let kind = try connection.first("SELECT kind FROM organisations WHERE id = $1", [.text(provider)])
        guard try kind?.text("kind") == AccessStore.OrganisationKind.provider.rawValue else {
            throw HTTPError(
                .unprocessableContent, title: "Invalid area grant", detail: "there is no care provider \(provider)",
                errors: [.init(field: "organisationID", message: "a care provider")])
        }

        for (field, count, most) in [
            ("employeeIDs", body.employeeIDs?.count ?? 0, 200), ("teamIDs", body.teamIDs?.count ?? 0, 20),
            ("districtIDs", body.districtIDs.count, 20),
        ] where count > most {
            errors.append(.init(field: field, message: "at most \(most) ids"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid area grant")

        var employees: [EmployeeID] = []
        for (index, text) in (body.employeeIDs ?? []).enumerated() {
            let employee = EmployeeID(decimal: text)
            let active = try employee.map {
                try connection.exists(
                    "SELECT 1 FROM employees WHERE id = $1 AND provider_id = $2 AND active = 1",
                    [.integer($0.rawValue), .text(provider)])
            }
            guard let employee, active == true else {
                errors.append(.init(field: "employeeIDs[\(index)]", message: "an active employee of \(provider)"))
                continue
            }
            if !employees.contains(employee) { employees.append(employee) }
        }
        for (index, text) in (body.teamIDs ?? []).enumerated() {
            guard let team = TeamID(decimal: text),
                try connection.exists(
                    "SELECT 1 FROM teams WHERE id = $1 AND provider_id = $2",
                    [.integer(team.rawValue), .text(provider)])
            else {
                errors.append(.init(field: "teamIDs[\(index)]", message: "a team of \(provider)"))
                continue
            }
            // Known limitation: a team is expanded to its active members as of this request, so
            // someone who joins later needs an area grant of their own; see docs/limitations.md.
            let members = try connection.execute(
                """
                SELECT e.id FROM team_members tm JOIN employees e ON e.id = tm.employee_id
                WHERE tm.team_id = $1 AND e.active = 1 ORDER BY e.id
                """, [.integer(team.rawValue)])
            for row in members where !employees.contains(EmployeeID(try row.integer("id"))) {
                employees.append(EmployeeID(try row.integer("id")))
            }
        }
        if errors.isEmpty && employees.isEmpty {
            errors.append(
                .init(field: "employeeIDs", message: "name at least one active employee, directly or through a team"))
        }

        var districts: [DistrictID] = []
        if body.districtIDs.isEmpty {
            errors.append(.init(field: "districtIDs", message: "name at least one district"))
        }
        for (index, text) in body.districtIDs.enumerated() {
            guard let district = DistrictID(decimal: text),
                try connection.exists(
                    "SELECT 1 FROM provider_districts WHERE provider_id = $1 AND district_id = $2",
                    [.text(provider), .integer(district.rawValue)])
            else {
                let message = "a district \(provider) works in; record it with PUT /api/v1/organisations/:id/districts"
                errors.append(.init(field: "districtIDs[\(index)]", message: message))
                continue
            }
            if !districts.contains(district) { districts.append(district) }
        }
        if employees.count * districts.count > mostPerRequest {
            errors.append(
                .init(
                    field: "districtIDs",
                    message: "at most \(mostPerRequest) grants (employees × districts) per request; split it"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid area grant")
        return (employees, districts)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let employee = try request.integerQuery("employee", in: 1...Int64.max)
        let district = try request.integerQuery("district", in: 1...Int64.max)
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let items = try database.read { connection in
            try connection.execute(
                Self.select + """

                    WHERE a.id > $1 AND (CAST($2 AS TEXT) IS NULL OR e.provider_id = $2)
                        AND (CAST($3 AS BIGINT) IS NULL OR a.employee_id = $3)
                        AND (CAST($4 AS BIGINT) IS NULL OR a.district_id = $4)
                    ORDER BY a.id LIMIT $5
                    """,
                [.integer(after), .text(organisationID), .integer(employee), .integer(district), .integer(limit)]
            ).map(Self.grant)
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: AreaGrantID = try request.entityID("id", "area grant")
        return try .json(try database.read { try Self.find(id, scope: principal.scope, $0) })
    }

    private func revoke(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: AreaGrantID = try request.entityID("id", "area grant")
        let store = store()
        let grant = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            // A grant revoked before it started ends where it starts, which may lie ahead.
            if let to = before.to, to <= max(now(), before.from) {
                throw HTTPError(.conflict, detail: "area grant \(id) has already ended; there is nothing to revoke")
            }
            try store.revokeAreaGrant(id, in: connection)
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "area_grant.revoke", "area_grant", id: after.id, organisationID: after.organisationID, before: before,
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
        SELECT a.id, e.provider_id, a.employee_id, a.district_id, a.valid_from, a.valid_to, a.created_at,
            s.text AS schedule
        FROM area_grants a JOIN employees e ON e.id = a.employee_id LEFT JOIN schedules s ON s.id = a.schedule_id
        """

    /// Reads an area grant within `scope`, the provider of the employee it names.
    static func find(_ id: AreaGrantID, scope: String?, _ connection: any SQLConnection) throws -> AreaGrant {
        let row = try connection.first(
            select + " WHERE a.id = $1 AND (CAST($2 AS TEXT) IS NULL OR e.provider_id = $2)",
            [.integer(id.rawValue), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no area grant \(id) you can see") }
        return try grant(row)
    }

    private static func grant(_ row: SQLRow) throws -> AreaGrant {
        AreaGrant(
            id: String(try row.integer("id")), organisationID: try row.text("provider_id"),
            employeeID: String(try row.integer("employee_id")), districtID: String(try row.integer("district_id")),
            from: try row.integer("valid_from"), to: try row.optionalInteger("valid_to"),
            schedule: try GrantTerms.intervals(try row.optionalText("schedule")),
            createdAt: try row.integer("created_at"))
    }
}
