import Accounts
import Authorization
import Foundation
import HTTPServer
import Storage

/// `/api/v1/teams`: a provider's administrators and planners make route groups of their own
/// staff, which grants can name; auditors read them; the central administrator does all of this
/// for any provider. Membership has no table of its own history: each change is recorded in the
/// audit trail, with the members before and after.
struct TeamRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// A team as the API shows it, with its members.
    struct Team: Codable, Equatable {
        var id: String
        var organisationID: String
        var name: String
        var members: [EmployeeRoutes.Employee]
    }

    /// What the audit trail keeps of a team: its members by id, not their names.
    private struct Recorded: Encodable {
        var id: String
        var organisationID: String
        var name: String
        var memberIDs: [String]

        init(_ team: Team) {
            id = team.id
            organisationID = team.organisationID
            name = team.name
            memberIDs = team.members.map(\.id)
        }
    }

    /// What a client sends to create a team.
    struct CreateRequest: Codable {
        var name: String
        /// The provider; defaults to the caller's own, and a central administrator must name one.
        var organisationID: String?
    }

    /// A page of teams.
    typealias Page = APIPage<Team>

    static let writers: Set<Role> = [.centralAdministrator, .providerAdministrator, .planner]
    static let readers = Role.staffReaders

    func register(in api: inout APIRouter) {
        api.define(
            "Team",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "organisationID": .string(), "name": .string(),
                    "members": .array(.reference("Employee")),
                ], required: ["id", "organisationID", "name", "members"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/teams", summary: "Create a team (route group)", roles: Self.writers,
            OpenAPIOperation(
                tag: "teams", id: "createTeam", headers: [Idempotency.parameter],
                body: .object(
                    ["name": .string(minLength: 1, maxLength: 100), "organisationID": .string()], required: ["name"],
                    additional: true),
                success: (.created, .reference("Team")), errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/teams", summary: "List a provider's teams", roles: Self.readers,
            OpenAPIOperation(
                tag: "teams", id: "listTeams",
                query: [
                    .init(
                        "organisation", .string(), "the provider; the caller's own, or all for the central unit"),
                    .init("after", .integer(minimum: 0), "return teams after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "teams per page, 100 by default"),
                ],
                success: (.ok, .object(["items": .array(.reference("Team")), "next": .string()], required: ["items"])))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/teams/:id", summary: "Read a team with its members", roles: Self.readers,
            OpenAPIOperation(tag: "teams", id: "getTeam", success: (.ok, .reference("Team")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .put, "/api/v1/teams/:id/members/:employeeID", summary: "Add an employee to a team", roles: Self.writers,
            OpenAPIOperation(
                tag: "teams", id: "addTeamMember", success: (.ok, .reference("Team")), errors: [.notFound, .conflict])
        ) { try routes.addMember($0, $1) }
        api.add(
            .delete, "/api/v1/teams/:id/members/:employeeID", summary: "Remove an employee from a team",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "teams", id: "removeTeamMember", success: (.ok, .reference("Team")), errors: [.notFound])
        ) { try routes.removeMember($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let organisationID = body.organisationID ?? principal.organisationID
        var errors: [ProblemDetails.FieldError] = []
        let name = body.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.schemaLength > 100 {
            errors.append(.init(field: "name", message: "give a name of 1 to 100 characters"))
        }
        guard principal.mayRead(organisation: organisationID) else {
            throw HTTPError(.notFound, detail: "there is no provider \(organisationID) you can manage")
        }
        if principal.isCentral && body.organisationID == nil {
            errors.append(.init(field: "organisationID", message: "name the provider the team belongs to"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid team")

        let store = AccessStore(database: database)
        let team = try database.write { connection in
            let id: TeamID
            do {
                id = try store.createTeam(provider: organisationID, name: name, in: connection)
            } catch let error as AccessError where error.code == .wrongOrganisationKind {
                throw HTTPError(
                    .unprocessableContent, title: "Invalid team", detail: error.message,
                    errors: [.init(field: "organisationID", message: "teams belong to a care provider")])
            }
            let team = Team(id: String(id.rawValue), organisationID: organisationID, name: name, members: [])
            try recorder(principal).record(
                "team.create", "team", id: team.id, organisationID: organisationID, before: nil as Recorded?,
                after: Recorded(team), in: connection)
            return team
        }
        return try .json(team, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let items = try database.read { connection in
            var teams = try connection.execute(
                """
                SELECT id, provider_id, name FROM teams
                WHERE id > $1 AND (CAST($2 AS TEXT) IS NULL OR provider_id = $2) ORDER BY id LIMIT $3
                """, [.integer(after), .text(organisationID), .integer(limit)]
            ).map(Self.team)
            guard let last = teams.last.flatMap({ Int64($0.id) }) else { return teams }
            // One query for the whole page's members: the page is every matching team in the id range.
            let members = try connection.execute(
                """
                SELECT tm.team_id, e.id, e.provider_id, e.employee_number, e.display_name, e.active
                FROM teams t JOIN team_members tm ON tm.team_id = t.id JOIN employees e ON e.id = tm.employee_id
                WHERE t.id > $1 AND t.id <= $2 AND (CAST($3 AS TEXT) IS NULL OR t.provider_id = $3)
                ORDER BY e.id
                """, [.integer(after), .integer(last), .text(organisationID)])
            var byTeam: [String: [EmployeeRoutes.Employee]] = [:]
            for row in members {
                byTeam[String(try row.integer("team_id")), default: []].append(try EmployeeRoutes.employee(row))
            }
            for index in teams.indices {
                teams[index].members = byTeam[teams[index].id] ?? []
            }
            return teams
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: TeamID = try request.entityID("id", "team")
        return try .json(try database.read { try Self.find(id, scope: principal.scope, $0) })
    }

    private func addMember(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: TeamID = try request.entityID("id", "team")
        let employeeID: EmployeeID = try request.entityID("employeeID", "employee")
        let store = AccessStore(database: database)
        let team = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            // The team's provider bounds whom it may hold, also for the central administrator.
            let employee = try EmployeeRoutes.find(
                employeeID, scope: before.organisationID, lock: false, connection)
            guard employee.active else {
                throw HTTPError(
                    .conflict,
                    detail: "employee \(employeeID) no longer works for the provider; only active staff join teams")
            }
            guard try store.addMember(employeeID, toTeam: id, in: connection) else { return before }
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "team.add_member", "team", id: after.id, organisationID: after.organisationID,
                before: Recorded(before), after: Recorded(after), in: connection)
            return after
        }
        return try .json(team)
    }

    private func removeMember(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: TeamID = try request.entityID("id", "team")
        let employeeID: EmployeeID = try request.entityID("employeeID", "employee")
        let store = AccessStore(database: database)
        let team = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            guard try store.removeMember(employeeID, fromTeam: id, in: connection) else {
                throw HTTPError(.notFound, detail: "employee \(employeeID) is not a member of team \(id)")
            }
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "team.remove_member", "team", id: after.id, organisationID: after.organisationID,
                before: Recorded(before), after: Recorded(after), in: connection)
            return after
        }
        return try .json(team)
    }

    private func recorder(_ principal: Principal) -> ChangeRecorder {
        ChangeRecorder(principal: principal, now: now)
    }

    /// Reads a team and its members within `scope`; another provider's team is as missing as one
    /// never created.
    static func find(_ id: TeamID, scope: String?, _ connection: any SQLConnection) throws -> Team {
        let row = try connection.first(
            "SELECT id, provider_id, name FROM teams WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR provider_id = $2)",
            [.integer(id.rawValue), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no team \(id) you can see") }
        var team = try team(row)
        team.members = try connection.execute(
            """
            SELECT e.id, e.provider_id, e.employee_number, e.display_name, e.active
            FROM team_members tm JOIN employees e ON e.id = tm.employee_id WHERE tm.team_id = $1 ORDER BY e.id
            """, [.integer(id.rawValue)]
        ).map(EmployeeRoutes.employee)
        return team
    }

    private static func team(_ row: SQLRow) throws -> Team {
        Team(
            id: String(try row.integer("id")), organisationID: try row.text("provider_id"), name: try row.text("name"),
            members: [])
    }
}
