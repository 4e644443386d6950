import Accounts
import Authorization
import Foundation
import HTTPServer
import Storage

/// `/api/v1/districts`: the central administrator creates the districts that area rights and
/// reports are divided by; every role may list them, since a district's name says nothing about
/// any provider's staff or recipients and planners need it to read their area grants.
struct DistrictRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// A district as the API shows it.
    struct District: Codable, Equatable {
        var id: String
        var name: String
    }

    /// What a client sends to create a district.
    struct CreateRequest: Codable {
        var name: String
    }

    /// A page of districts.
    typealias Page = APIPage<District>

    static let writers: Set<Role> = [.centralAdministrator]
    static let readers = Set(Role.allCases)

    /// The district schema, as organisations embed it.
    static let schema = JSONSchema.object(
        ["id": .string(pattern: "^[0-9]+$"), "name": .string()], required: ["id", "name"])

    func register(in api: inout APIRouter) {
        api.define("District", Self.schema)
        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/districts", summary: "Create a district", roles: Self.writers,
            OpenAPIOperation(
                tag: "organisations", id: "createDistrict", headers: [Idempotency.parameter],
                body: .object(["name": .string(minLength: 1, maxLength: 100)], required: ["name"], additional: true),
                success: (.created, .reference("District")), errors: [.conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/districts", summary: "List the districts", roles: Self.readers,
            OpenAPIOperation(
                tag: "organisations", id: "listDistricts",
                query: [
                    .init("after", .integer(minimum: 0), "return districts after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "districts per page, 100 by default"),
                ],
                success: (
                    .ok, .object(["items": .array(.reference("District")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let name = body.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.schemaLength > 100 {
            try EmployeeRoutes.refuse(
                [.init(field: "name", message: "give a name of 1 to 100 characters")], "Invalid district")
        }
        let store = AccessStore(database: database)
        let district = try database.write { connection in
            let id = try store.createDistrict(name: name, in: connection)
            let district = District(id: String(id.rawValue), name: name)
            try ChangeRecorder(principal: principal, now: now).record(
                "district.create", "district", id: district.id, organisationID: principal.organisationID, before: nil,
                after: district, in: connection)
            return district
        }
        return try .json(district, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let items = try database.read { connection in
            try connection.execute(
                "SELECT id, name FROM districts WHERE id > $1 ORDER BY id LIMIT $2", [.integer(after), .integer(limit)]
            ).map(Self.district)
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    /// A district from a row with `id` and `name`.
    static func district(_ row: SQLRow) throws -> District {
        District(id: String(try row.integer("id")), name: try row.text("name"))
    }
}
