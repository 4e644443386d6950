import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/buildings`: the central unit registers buildings by address and their doors, and
/// reads them with the locks fitted.
///
/// Only the central roles see buildings. A provider learns the address and door of each of its
/// recipients' homes from the recipient; the rest of a building (other households' doors, lock
/// identities) is none of its business.
struct BuildingRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// A building as the API shows it, with its doors.
    struct Building: Codable, Equatable {
        var id: String
        var address: String
        var districtID: String
        var doors: [Door]
    }

    /// A door as the API shows it, with the locks on it now or fitted later.
    struct Door: Codable, Equatable {
        var id: String
        var buildingID: String
        var kind: String
        var label: String
        var locks: [LockInstallationRoutes.Installation]
    }

    /// What a client sends to register a building.
    struct CreateRequest: Codable {
        var address: String
        var districtID: String
    }

    /// What a client sends to add a door.
    struct DoorRequest: Codable {
        var kind: String
        var label: String
    }

    /// A page of buildings.
    typealias Page = APIPage<Building>

    static let roles: Set<Role> = [.centralAdministrator, .centralOperator]
    static let maxAddressLength = 200
    /// A door's label says where the door is ("Entrance A", "Apartment 1102"), never who lives
    /// there, so it is kept short.
    static let maxLabelLength = 40

    func register(in api: inout APIRouter) {
        api.define(
            "Door",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "buildingID": .string(pattern: "^[0-9]+$"),
                    "kind": .string(values: ["apartment", "entrance"]), "label": .string(),
                    "locks": .array(.reference("LockInstallation")),
                ], required: ["id", "buildingID", "kind", "label", "locks"]))
        api.define(
            "Building",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "address": .string(),
                    "districtID": .string(pattern: "^[0-9]+$"), "doors": .array(.reference("Door")),
                ], required: ["id", "address", "districtID", "doors"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/buildings", summary: "Register a building by address", roles: Self.roles,
            OpenAPIOperation(
                tag: "buildings", id: "createBuilding", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "address": .string(minLength: 1, maxLength: Self.maxAddressLength),
                        "districtID": .string(pattern: "^[0-9]+$"),
                    ], required: ["address", "districtID"], additional: true),
                success: (.created, .reference("Building")), errors: [.conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/buildings", summary: "List buildings with their doors and locks", roles: Self.roles,
            OpenAPIOperation(
                tag: "buildings", id: "listBuildings",
                query: [
                    .init("district", .integer(minimum: 1), "only buildings in this district"),
                    .init("after", .integer(minimum: 0), "return buildings after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "buildings per page, 100 by default"),
                ],
                success: (
                    .ok, .object(["items": .array(.reference("Building")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/buildings/:id", summary: "Read a building with its doors and locks", roles: Self.roles,
            OpenAPIOperation(
                tag: "buildings", id: "getBuilding", success: (.ok, .reference("Building")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .post, "/api/v1/buildings/:id/doors", summary: "Add an apartment door or an entrance to a building",
            roles: Self.roles,
            OpenAPIOperation(
                tag: "buildings", id: "createDoor", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "kind": .string(values: ["apartment", "entrance"]),
                        "label": .string(minLength: 1, maxLength: Self.maxLabelLength),
                    ], required: ["kind", "label"], additional: true),
                success: (.created, .reference("Door")), errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.addDoor($0, $1) })
        LockInstallationRoutes(database: database, now: now).register(in: &api)
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        let address = body.address.trimmingCharacters(in: .whitespaces)
        if !Self.isShortText(address, maxLength: Self.maxAddressLength) {
            errors.append(
                .init(
                    field: "address",
                    message: "the street address, 1 to \(Self.maxAddressLength) characters on one line"))
        }
        let district = DistrictID(decimal: body.districtID)
        if district == nil {
            errors.append(.init(field: "districtID", message: "a district id, a positive whole number"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid building")

        let store = AccessStore(database: database)
        let building = try database.write { connection in
            guard let district,
                try connection.first("SELECT 1 FROM districts WHERE id = $1", [.integer(district.rawValue)]) != nil
            else {
                let message = "there is no district \(body.districtID)"
                throw HTTPError(
                    .unprocessableContent, title: "Invalid building", detail: message,
                    errors: [.init(field: "districtID", message: message)])
            }
            let id = try store.createBuilding(address: address, district: district, in: connection)
            let building = try Self.find(id, now: now(), connection)
            try ChangeRecorder(principal: principal, now: now).record(
                "building.create", "building", id: building.id, organisationID: principal.organisationID, before: nil,
                after: building, in: connection)
            return building
        }
        return try .json(building, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let district = try request.integerQuery("district", in: 1...Int64.max)
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let now = self.now()
        let items = try database.read { connection in
            let rows = try connection.execute(
                """
                SELECT id, address, district_id FROM buildings
                WHERE id > $1 AND (CAST($2 AS BIGINT) IS NULL OR district_id = $2) ORDER BY id LIMIT $3
                """, [.integer(after), .integer(district), .integer(limit)])
            guard let first = rows.first, let last = rows.last else { return [Building]() }
            let doors = try Self.doors(
                from: try first.integer("id"), through: try last.integer("id"), now: now, connection)
            return try rows.map { try Self.building($0, doors: doors) }
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: BuildingID = try request.entityID("id", "building")
        let now = self.now()
        return try .json(try database.read { try Self.find(id, now: now, $0) })
    }

    private func addDoor(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: BuildingID = try request.entityID("id", "building")
        let store = AccessStore(database: database)
        let door = try database.write { connection in
            _ = try Self.find(id, now: now(), connection)
            let body = try request.decode(DoorRequest.self)
            var errors: [ProblemDetails.FieldError] = []
            let kind = AccessStore.DoorKind(rawValue: body.kind)
            if kind == nil { errors.append(.init(field: "kind", message: "apartment or entrance")) }
            let label = body.label.trimmingCharacters(in: .whitespaces)
            if !Self.isShortText(label, maxLength: Self.maxLabelLength) {
                errors.append(
                    .init(
                        field: "label",
                        message:
                            "where the door is, such as Entrance A or Apartment 1102: 1 to \(Self.maxLabelLength) characters"
                    ))
            }
            try EmployeeRoutes.refuse(errors, "Invalid door")
            guard let kind else { throw HTTPError(.unprocessableContent, detail: "the door needs a kind") }

            let doorID = try store.addDoor(to: id, kind: kind, label: label, in: connection)
            let door = Door(id: doorID.decimal, buildingID: id.decimal, kind: kind.rawValue, label: label, locks: [])
            try ChangeRecorder(principal: principal, now: now).record(
                "door.create", "door", id: door.id, organisationID: principal.organisationID, before: nil, after: door,
                in: connection)
            return door
        }
        return try .json(door, status: .created)
    }

    /// Reads a building with its doors and the locks on them now or fitted later.
    static func find(_ id: BuildingID, now: Int64, _ connection: any SQLConnection) throws -> Building {
        let row = try connection.first(
            "SELECT id, address, district_id FROM buildings WHERE id = $1", [.integer(id.rawValue)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no building \(id) you can see") }
        return try building(row, doors: try doors(from: id.rawValue, through: id.rawValue, now: now, connection))
    }

    /// The doors of the buildings with ids in `first...last`, by building id, each with the
    /// installations not yet ended at `now`.
    private static func doors(from first: Int64, through last: Int64, now: Int64, _ connection: any SQLConnection)
        throws -> [Int64: [Door]]
    {
        let locks = try connection.execute(
            """
            SELECT l.id, l.lock_id, l.door_id, l.installed_at, l.removed_at FROM lock_installations l
            JOIN doors d ON d.id = l.door_id
            WHERE d.building_id >= $1 AND d.building_id <= $2 AND (l.removed_at IS NULL OR l.removed_at > $3)
            ORDER BY l.installed_at, l.id
            """, [.integer(first), .integer(last), .integer(now)])
        var installations: [Int64: [LockInstallationRoutes.Installation]] = [:]
        for row in locks {
            installations[try row.integer("door_id"), default: []].append(try LockInstallationRoutes.installation(row))
        }
        let rows = try connection.execute(
            """
            SELECT id, building_id, kind, label FROM doors
            WHERE building_id >= $1 AND building_id <= $2 ORDER BY building_id, id
            """, [.integer(first), .integer(last)])
        var doors: [Int64: [Door]] = [:]
        for row in rows {
            let id = try row.integer("id")
            let building = try row.integer("building_id")
            doors[building, default: []].append(
                Door(
                    id: String(id), buildingID: String(building), kind: try row.text("kind"),
                    label: try row.text("label"), locks: installations[id] ?? []))
        }
        return doors
    }

    private static func building(_ row: SQLRow, doors: [Int64: [Door]]) throws -> Building {
        let id = try row.integer("id")
        return Building(
            id: String(id), address: try row.text("address"), districtID: String(try row.integer("district_id")),
            doors: doors[id] ?? [])
    }

    /// Whether `text` is a non-empty single line of at most `maxLength` code points.
    private static func isShortText(_ text: String, maxLength: Int) -> Bool {
        (1...maxLength).contains(text.schemaLength)
            && !text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }
}
