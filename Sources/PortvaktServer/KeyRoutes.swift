import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/keys`: a provider's administrators register their digital keys, hand them to staff,
/// report them lost and retire them; planners and auditors read them; the central unit does all
/// of this for any provider.
struct KeyRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// A key as the API shows it.
    struct Key: Codable, Equatable {
        var id: String
        var organisationID: String
        var serial: String
        var status: String
        var statusChangedAt: Int64
        /// The employee who holds it; absent when nobody does.
        var employeeID: String?
        /// Whether and how the key's public key is bound.
        var binding: Binding
    }

    /// What a client sends to register a key.
    struct CreateRequest: Codable {
        var serial: String
        /// The provider; defaults to the caller's own, and a central administrator must name one.
        var organisationID: String?
        /// The key's Ed25519 public key in base64, as its maker delivered it. Without it the key
        /// is bound at its first dock to whatever public key it presents.
        var publicKey: String?
    }

    /// What a client sends to hand a key to an employee.
    struct AssignmentRequest: Codable {
        var employeeID: String
    }

    /// A page of keys.
    typealias Page = APIPage<Key>

    static let writers = Role.administrators
    static let readers = Role.staffReaders

    func register(in api: inout APIRouter) {
        api.define(
            "Key",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "organisationID": .string(), "serial": .string(),
                    "status": .string(values: ["active", "lost", "retired"]), "statusChangedAt": .integer(),
                    "employeeID": .string(pattern: "^[0-9]+$"), "binding": .reference("KeyBinding"),
                ], required: ["id", "organisationID", "serial", "status", "statusChangedAt", "binding"]))
        api.define("KeyBinding", Binding.schema)

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/keys", summary: "Register a digital key", roles: Self.writers,
            OpenAPIOperation(
                tag: "keys", id: "createKey", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "serial": .string(minLength: 1, maxLength: 64), "organisationID": .string(),
                        "publicKey": .string(),
                    ], required: ["serial"], additional: true),
                success: (.created, .reference("Key")), errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/keys", summary: "List a provider's keys", roles: Self.readers,
            OpenAPIOperation(
                tag: "keys", id: "listKeys",
                query: [
                    .init(
                        "organisation", .string(), "the provider; the caller's own, or all for the central unit"),
                    .init("after", .integer(minimum: 0), "return keys after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "keys per page, 100 by default"),
                ],
                success: (.ok, .object(["items": .array(.reference("Key")), "next": .string()], required: ["items"])))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/keys/:id", summary: "Read a key", roles: Self.readers,
            OpenAPIOperation(tag: "keys", id: "getKey", success: (.ok, .reference("Key")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .post, "/api/v1/keys/:id/assignment", summary: "Hand a key to an employee", roles: Self.writers,
            OpenAPIOperation(
                tag: "keys", id: "assignKey",
                body: .object(["employeeID": .string(pattern: "^[0-9]+$")], required: ["employeeID"], additional: true),
                success: (.ok, .reference("Key")), errors: [.notFound, .conflict, .unprocessableContent])
        ) { try routes.assign($0, $1) }
        api.add(
            .post, "/api/v1/keys/:id/lost", summary: "Report a key lost, blocking it at once", roles: Self.writers,
            OpenAPIOperation(
                tag: "keys", id: "reportKeyLost", success: (.ok, .reference("Key")), errors: [.notFound, .conflict])
        ) { try routes.end($0, $1, lost: true) }
        api.add(
            .post, "/api/v1/keys/:id/retirement", summary: "Take a key out of service", roles: Self.writers,
            OpenAPIOperation(
                tag: "keys", id: "retireKey", success: (.ok, .reference("Key")), errors: [.notFound, .conflict])
        ) { try routes.end($0, $1, lost: false) }
        KeyPermissionRoute(database: database, now: now).register(in: &api)
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let organisationID = body.organisationID ?? principal.organisationID
        var errors: [ProblemDetails.FieldError] = []
        let serial = body.serial.trimmingCharacters(in: .whitespaces)
        if serial.isEmpty || serial.schemaLength > 64 {
            errors.append(.init(field: "serial", message: "give the key's serial number, 1 to 64 characters"))
        }
        guard principal.mayRead(organisation: organisationID) else {
            throw HTTPError(.notFound, detail: "there is no provider \(organisationID) you can manage")
        }
        if principal.isCentral && body.organisationID == nil {
            errors.append(.init(field: "organisationID", message: "name the provider the key belongs to"))
        }
        let publicKey = body.publicKey.map(Self.publicKey)
        if case .some(nil) = publicKey {
            errors.append(.init(field: "publicKey", message: "the key's Ed25519 public key, 32 bytes in base64"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid key")

        let store = store()
        let key = try database.write { connection in
            let id: KeyID
            do {
                id = try store.registerKey(provider: organisationID, serial: serial, in: connection)
            } catch let error as AccessError where error.code == .wrongOrganisationKind {
                throw HTTPError(
                    .unprocessableContent, title: "Invalid key", detail: error.message,
                    errors: [.init(field: "organisationID", message: "keys belong to a care provider")])
            }
            if case .some(.some(let publicKey)) = publicKey {
                try bindRegistered(id, publicKey: publicKey, in: connection)
            }
            let key = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "key.register", "key", id: key.id, organisationID: key.organisationID, before: nil, after: key,
                in: connection)
            if key.binding.bound {
                try recorder(principal).record(
                    "key.enrol", "key", id: key.id, organisationID: key.organisationID, before: nil, after: key.binding,
                    in: connection)
            }
            return key
        }
        return try .json(key, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let items = try database.read { connection in
            try connection.execute(
                """
                SELECT \(Self.columns) FROM keys LEFT JOIN key_public_keys p ON p.key_id = keys.id
                WHERE keys.id > $1 AND (CAST($2 AS TEXT) IS NULL OR provider_id = $2) ORDER BY keys.id LIMIT $3
                """, [.integer(after), .text(organisationID), .integer(limit)]
            ).map(Self.key)
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: KeyID = try request.entityID("id", "key")
        return try .json(try database.read { try Self.find(id, scope: principal.scope, $0) })
    }

    private func assign(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: KeyID = try request.entityID("id", "key")
        let store = store()
        let key = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            let body = try request.decode(AssignmentRequest.self)
            let noSuchEmployee = HTTPError(
                .unprocessableContent, title: "Invalid assignment",
                detail: "there is no active employee \(body.employeeID) of the key's provider",
                errors: [.init(field: "employeeID", message: "an active employee of the key's provider")])
            guard let employee = Int64(body.employeeID), employee > 0 else { throw noSuchEmployee }
            guard before.status == AccessStore.KeyStatus.active.rawValue else {
                throw HTTPError(.conflict, detail: "key \(id) is \(before.status); register a new key instead")
            }
            do {
                try store.assignKey(id, to: EmployeeID(employee), in: connection)
            } catch let error as AccessError where error.code == .notOwnStaff {
                throw noSuchEmployee
            }
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                "key.assign", "key", id: after.id, organisationID: after.organisationID, before: before, after: after,
                in: connection)
            return after
        }
        return try .json(key)
    }

    private func end(_ request: HTTPRequest, _ principal: Principal, lost: Bool) throws -> HTTPResponse {
        let id: KeyID = try request.entityID("id", "key")
        let store = store()
        let key = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, connection)
            guard before.status == AccessStore.KeyStatus.active.rawValue else {
                throw HTTPError(.conflict, detail: "key \(id) is already \(before.status)")
            }
            if lost {
                try store.reportKeyLost(id, in: connection)
            } else {
                try store.retireKey(id, in: connection)
            }
            let after = try Self.find(id, scope: nil, connection)
            try recorder(principal).record(
                lost ? "key.report_lost" : "key.retire", "key", id: after.id, organisationID: after.organisationID,
                before: before, after: after, in: connection)
            return after
        }
        return try .json(key)
    }

    private func store() -> AccessStore {
        let now = self.now
        return AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: now()) })
    }

    private func recorder(_ principal: Principal) -> ChangeRecorder {
        ChangeRecorder(principal: principal, now: now)
    }

    /// Reads a key within `scope`; another provider's key is as missing as one never registered.
    static func find(_ id: KeyID, scope: String?, _ connection: any SQLConnection) throws -> Key {
        let row = try connection.first(
            """
            SELECT \(Self.columns) FROM keys LEFT JOIN key_public_keys p ON p.key_id = keys.id
            WHERE keys.id = $1 AND (CAST($2 AS TEXT) IS NULL OR provider_id = $2)
            """, [.integer(id.rawValue), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no key \(id) you can see") }
        return try key(row)
    }

    private static func key(_ row: SQLRow) throws -> Key {
        Key(
            id: String(try row.integer("id")), organisationID: try row.text("provider_id"),
            serial: try row.text("serial"), status: try row.text("status"),
            statusChangedAt: try row.integer("status_changed_at"),
            employeeID: try row.optionalInteger("employee_id").map { String($0) }, binding: try Binding(row))
    }
}
