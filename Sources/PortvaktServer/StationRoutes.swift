import Accounts
import Foundation
import HTTPServer
import Observability
import StationLink
import Storage

/// `/api/v1/stations`: administrators create a provider's sync stations, each with a one-time
/// enrolment code, and revoke them; the central unit and the provider's staff roles read their
/// state (docs/station.md §4).
struct StationRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// What a client sends to create a station.
    struct CreateRequest: Codable {
        var name: String
        /// The provider; defaults to the caller's own, and a central administrator must name one.
        var organisationID: String?
    }

    typealias Page = APIPage<StationRecord>

    /// How long an enrolment code works.
    static let enrolmentLifetime: Int64 = 24 * 3600 * 1000
    static let writers = Role.administrators
    static let readers = Role.staffReaders.union([.centralOperator])

    func register(in api: inout APIRouter) {
        api.define("Station", StationRecord.schema)
        let routes = self
        // Not wrapped in Idempotency on purpose: a replayed answer would have to store the
        // one-time code, which is kept only as hashes. A repeated request makes another pending
        // station, whose code expires unused or is revoked.
        api.add(
            .post, "/api/v1/stations", summary: "Create a sync station and its one-time enrolment code",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "stations", id: "createStation",
                body: .object(
                    ["name": .string(minLength: 1, maxLength: 100), "organisationID": .string()], required: ["name"],
                    additional: true),
                success: (.created, .reference("Station")), errors: [.notFound, .unprocessableContent])
        ) { try routes.create($0, $1) }
        api.add(
            .get, "/api/v1/stations", summary: "List sync stations and their state", roles: Self.readers,
            OpenAPIOperation(
                tag: "stations", id: "listStations",
                query: [
                    .init("organisation", .string(), "the provider; the caller's own, or all for the central unit"),
                    .init("after", .integer(minimum: 0), "return stations after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "stations per page, 100 by default"),
                ],
                success: (
                    .ok, .object(["items": .array(.reference("Station")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/stations/:id", summary: "Read a sync station's state", roles: Self.readers,
            OpenAPIOperation(
                tag: "stations", id: "getStation", success: (.ok, .reference("Station")), errors: [.notFound, .gone])
        ) { try routes.show($0, $1) }
        api.add(
            .delete, "/api/v1/stations/:id", summary: "Revoke a sync station; its requests fail from now on",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "stations", id: "revokeStation", success: (.ok, .reference("Station")),
                errors: [.notFound, .gone])
        ) { try routes.revoke($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let organisationID = body.organisationID ?? principal.organisationID
        var errors: [ProblemDetails.FieldError] = []
        let name = body.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.schemaLength > 100 {
            errors.append(.init(field: "name", message: "name the station, such as its office, in 1 to 100 characters"))
        }
        guard principal.mayRead(organisation: organisationID) else {
            throw HTTPError(.notFound, detail: "there is no provider \(organisationID) you can manage")
        }
        if principal.isCentral && body.organisationID == nil {
            errors.append(.init(field: "organisationID", message: "name the provider the station serves"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid station")

        let code = EnrolmentCode.generate()
        let time = now()
        var station = try database.write { connection in
            let organisation = try connection.first(
                "SELECT kind FROM organisations WHERE id = $1", [.text(organisationID)])
            guard let organisation else {
                throw HTTPError(.notFound, detail: "there is no provider \(organisationID) you can manage")
            }
            guard try organisation.text("kind") == "provider" else {
                throw HTTPError(
                    .unprocessableContent, title: "Invalid station", detail: "\(organisationID) is not a care provider",
                    errors: [.init(field: "organisationID", message: "stations serve a care provider")])
            }
            let row = try connection.first(
                """
                INSERT INTO stations (organisation_id, name, enrolment_lookup, enrolment_key, enrolment_expires_at,
                    created_at)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """,
                [
                    .text(organisationID), .text(name), .text(code.lookup), .blob(code.key.storedForm),
                    .integer(time + Self.enrolmentLifetime), .integer(time),
                ])
            let id = try row?.integer("id") ?? 0
            let station = try StationRecord.find(id, scope: nil, now: time, connection)
            try ChangeRecorder(principal: principal, now: now).record(
                "station.create", "station", id: station.id, organisationID: organisationID, before: nil,
                after: station, in: connection)
            return station
        }
        station.enrolmentCode = code.grouped
        return try .json(station, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        let time = now()
        let items = try database.read { connection in
            try connection.execute(
                """
                SELECT \(StationRecord.columns) FROM stations
                WHERE id > $1 AND (CAST($2 AS TEXT) IS NULL OR organisation_id = $2) ORDER BY id LIMIT $3
                """, [.integer(after), .text(organisationID), .integer(limit)]
            ).map { try StationRecord(row: $0, now: time) }
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id = try Self.stationID(request)
        let time = now()
        let station = try database.read { try StationRecord.find(id, scope: principal.scope, now: time, $0) }
        try Self.refuseRevoked(station)
        return try .json(station)
    }

    /// A revoked station is gone as a resource: reading or revoking it again answers 410. It stays
    /// in the list, marked revoked, and in the audit trail.
    private static func refuseRevoked(_ station: StationRecord) throws {
        guard let revokedAt = station.revokedAt else { return }
        throw HTTPError(
            .gone,
            detail: "station \(station.id) was revoked at \(revokedAt) (ms since the epoch); it is listed as revoked "
                + "and its history is in the audit trail")
    }

    private func revoke(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id = try Self.stationID(request)
        let time = now()
        let station = try database.write { connection in
            let before = try StationRecord.find(id, scope: principal.scope, now: time, connection)
            try Self.refuseRevoked(before)
            let revoked = try connection.execute(
                """
                UPDATE stations SET revoked_at = $2, enrolment_lookup = NULL, enrolment_key = NULL
                WHERE id = $1 AND revoked_at IS NULL RETURNING id
                """, [.integer(id), .integer(time)])
            guard !revoked.isEmpty else { throw HTTPError(.gone, detail: "station \(id) was revoked meanwhile") }
            let after = try StationRecord.find(id, scope: nil, now: time, connection)
            try ChangeRecorder(principal: principal, now: now).record(
                "station.revoke", "station", id: after.id, organisationID: after.organisationID, before: before,
                after: after, in: connection)
            return after
        }
        return try .json(station)
    }

    private static func stationID(_ request: HTTPRequest) throws -> Int64 {
        let text = try request.parameter("id")
        guard let id = Int64(text), id > 0 else { throw HTTPError(.notFound, detail: "there is no station \(text)") }
        return id
    }
}
