import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/organisations`: the central administrator registers care providers and the
/// districts they work in; the central unit reads every organisation, and a provider's roles
/// read only their own.
struct OrganisationRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// An organisation as the API shows it, with the districts a provider works in.
    struct Organisation: Codable, Equatable {
        var id: String
        var kind: String
        var name: String
        var createdAt: Int64
        var districts: [DistrictRoutes.District]
    }

    /// What a client sends to register a care provider.
    struct CreateRequest: Codable {
        /// A short, stable slug such as `org-norr`; it appears in every record of the provider.
        var id: String
        var name: String
        /// Only `provider`, the default: the central unit exists from the start.
        var kind: String?
    }

    /// A page of organisations.
    typealias Page = APIPage<Organisation>

    static let writers: Set<Role> = [.centralAdministrator]
    static let readers = Set(Role.allCases)
    /// What an organisation id looks like: lower-case letters and digits in hyphenated words.
    static let idPattern = "^[a-z0-9]+(-[a-z0-9]+)*$"

    func register(in api: inout APIRouter) {
        api.define(
            "Organisation",
            .object(
                [
                    "id": .string(), "kind": .string(values: ["central", "provider"]), "name": .string(),
                    "createdAt": .integer(), "districts": .array(.reference("District")),
                ], required: ["id", "kind", "name", "createdAt", "districts"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/organisations", summary: "Register a care provider", roles: Self.writers,
            OpenAPIOperation(
                tag: "organisations", id: "createOrganisation", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "id": .string(minLength: 2, maxLength: 64, pattern: Self.idPattern),
                        "name": .string(minLength: 1, maxLength: 100), "kind": .string(values: ["provider"]),
                    ], required: ["id", "name"], additional: true),
                success: (.created, .reference("Organisation")), errors: [.conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/organisations", summary: "List organisations (a provider sees only itself)",
            roles: Self.readers,
            OpenAPIOperation(
                tag: "organisations", id: "listOrganisations",
                query: [
                    .init("after", .string(), "return organisations after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "organisations per page, 100 by default"),
                ],
                success: (
                    .ok,
                    .object(["items": .array(.reference("Organisation")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/organisations/:id", summary: "Read an organisation", roles: Self.readers,
            OpenAPIOperation(
                tag: "organisations", id: "getOrganisation", success: (.ok, .reference("Organisation")),
                errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .put, "/api/v1/organisations/:id/districts/:districtID",
            summary: "Record that a provider works in a district",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "organisations", id: "addOrganisationDistrict", success: (.ok, .reference("Organisation")),
                errors: [.notFound, .unprocessableContent])
        ) { try routes.addDistrict($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        let id = body.id
        if !(2...64).contains(id.schemaLength) || id.range(of: Self.idPattern, options: .regularExpression) == nil {
            errors.append(
                .init(
                    field: "id",
                    message: "2 to 64 lower-case letters and digits in words joined by hyphens, such as org-norr"))
        }
        let name = body.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.schemaLength > 100 {
            errors.append(.init(field: "name", message: "give a name of 1 to 100 characters"))
        }
        if let kind = body.kind, kind != AccessStore.OrganisationKind.provider.rawValue {
            errors.append(.init(field: "kind", message: "only care providers are registered; leave kind out"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid organisation")

        let store = AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: now()) })
        let organisation = try database.write { connection in
            try store.createOrganisation(id: id, kind: .provider, name: name, in: connection)
            let organisation = try Self.find(id, scope: nil, connection)
            try ChangeRecorder(principal: principal, now: now).record(
                "organisation.create", "organisation", id: id, organisationID: id, before: nil, after: organisation,
                in: connection)
            return organisation
        }
        return try .json(organisation, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = request.query["after"] ?? ""
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let items = try database.read { connection in
            let rows = try connection.execute(
                """
                SELECT id, kind, name, created_at FROM organisations
                WHERE id > $1 AND (CAST($2 AS TEXT) IS NULL OR id = $2) ORDER BY id LIMIT $3
                """, [.text(after), .text(principal.scope), .integer(limit)])
            var organisations = try rows.map(Self.organisation)
            guard let first = organisations.first?.id, let last = organisations.last?.id else { return organisations }
            // One query for the whole page's districts: the ids are consecutive in the page's order.
            let districts = try connection.execute(
                """
                SELECT pd.provider_id, d.id, d.name FROM provider_districts pd JOIN districts d ON d.id = pd.district_id
                WHERE pd.provider_id >= $1 AND pd.provider_id <= $2 ORDER BY d.id
                """, [.text(first), .text(last)])
            var byOrganisation: [String: [DistrictRoutes.District]] = [:]
            for row in districts {
                byOrganisation[try row.text("provider_id"), default: []].append(try DistrictRoutes.district(row))
            }
            for index in organisations.indices {
                organisations[index].districts = byOrganisation[organisations[index].id] ?? []
            }
            return organisations
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id = try request.parameter("id")
        return try .json(try database.read { try Self.find(id, scope: principal.scope, $0) })
    }

    private func addDistrict(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id = try request.parameter("id")
        let district: DistrictID = try request.entityID("districtID", "district")
        let store = AccessStore(database: database)
        let organisation = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            guard try store.addDistrict(district, toProvider: id, in: connection) else { return before }
            let after = try Self.find(id, scope: nil, connection)
            try ChangeRecorder(principal: principal, now: now).record(
                "organisation.add_district", "organisation", id: id, organisationID: id, before: before, after: after,
                in: connection)
            return after
        }
        return try .json(organisation)
    }

    /// Reads an organisation within `scope`; another provider is as missing as an unknown one.
    static func find(_ id: String, scope: String?, _ connection: any SQLConnection) throws -> Organisation {
        let row = try connection.first(
            """
            SELECT id, kind, name, created_at FROM organisations
            WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR id = $2)
            """, [.text(id), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no organisation \(id) you can see") }
        var organisation = try organisation(row)
        organisation.districts = try connection.execute(
            """
            SELECT d.id, d.name FROM provider_districts pd JOIN districts d ON d.id = pd.district_id
            WHERE pd.provider_id = $1 ORDER BY d.id
            """, [.text(id)]
        ).map(DistrictRoutes.district)
        return organisation
    }

    private static func organisation(_ row: SQLRow) throws -> Organisation {
        Organisation(
            id: try row.text("id"), kind: try row.text("kind"), name: try row.text("name"),
            createdAt: try row.integer("created_at"), districts: [])
    }
}
