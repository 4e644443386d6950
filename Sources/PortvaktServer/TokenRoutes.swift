import Accounts
import Audit
import Foundation
import HTTPServer
import Storage

/// `/api/v1/tokens`: administrators create, list and revoke their organisation's API tokens;
/// the central administrator may do so for any organisation.
struct TokenRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// What a client sends to create a token.
    struct CreateRequest: Codable {
        var name: String
        var role: Role
        /// The organisation the token acts for; defaults to the caller's own.
        var organisationID: String?
        /// Lifetime in days, 1 to 365.
        var lifetimeDays: Int
    }

    /// A created token, with the bearer secret shown this once.
    struct Created: Codable {
        var token: APIToken
        var bearer: String
    }

    /// A page of tokens (all of them: an organisation has few).
    typealias Page = APIPage<APIToken>

    static let administrators = Role.administrators

    func register(in api: inout APIRouter) {
        api.define("Role", .string(values: Role.allCases.map(\.rawValue)))
        api.define(
            "APIToken",
            .object(
                [
                    "id": .string(pattern: "^[0-9a-f]{24}$"), "organisationID": .string(), "role": .reference("Role"),
                    "name": .string(), "createdAt": .integer(), "expiresAt": .integer(), "revokedAt": .integer(),
                ], required: ["id", "organisationID", "role", "name", "createdAt", "expiresAt"]))

        let routes = self
        api.add(
            .post, "/api/v1/tokens", summary: "Create an API token", roles: Self.administrators,
            OpenAPIOperation(
                tag: "tokens", id: "createToken",
                body: .object(
                    [
                        "name": .string(minLength: 1, maxLength: 100), "role": .reference("Role"),
                        "organisationID": .string(), "lifetimeDays": .integer(minimum: 1, maximum: 365),
                    ], required: ["name", "role", "lifetimeDays"], additional: true),
                success: (
                    .created,
                    .object(["token": .reference("APIToken"), "bearer": .string()], required: ["token", "bearer"])
                ),
                errors: [.notFound, .unprocessableContent])
        ) { try routes.create($0, $1) }
        api.add(
            .get, "/api/v1/tokens", summary: "List an organisation's API tokens", roles: Self.administrators,
            OpenAPIOperation(
                tag: "tokens", id: "listTokens",
                query: [.init("organisation", .string(), "the organisation; the caller's own by default")],
                success: (.ok, .object(["items": .array(.reference("APIToken"))], required: ["items"])))
        ) { try routes.list($0, $1) }
        api.add(
            .delete, "/api/v1/tokens/:id", summary: "Revoke an API token", roles: Self.administrators,
            OpenAPIOperation(tag: "tokens", id: "revokeToken", success: (.noContent, nil), errors: [.notFound])
        ) { try routes.revoke($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let organisationID = body.organisationID ?? principal.organisationID
        var errors: [ProblemDetails.FieldError] = []
        let name = body.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.schemaLength > 100 {
            errors.append(.init(field: "name", message: "give the token a name of 1 to 100 characters"))
        }
        if !(1...365).contains(body.lifetimeDays) {
            errors.append(.init(field: "lifetimeDays", message: "a token lives from 1 to 365 days"))
        }
        guard principal.mayRead(organisation: organisationID) else {
            throw HTTPError(.notFound, detail: "there is no organisation \(organisationID) you can manage")
        }
        let kind = try database.read { connection in
            try connection.first("SELECT kind FROM organisations WHERE id = $1", [.text(organisationID)])?.text("kind")
        }
        guard let kind else {
            throw HTTPError(.notFound, detail: "there is no organisation \(organisationID) you can manage")
        }
        if body.role.isCentral != (kind == "central") {
            errors.append(
                .init(
                    field: "role", message: "the role \(body.role.rawValue) does not belong to a \(kind) organisation"))
        }
        if body.role == .centralAdministrator && principal.role != .centralAdministrator {
            errors.append(.init(field: "role", message: "only a central administrator may create such a token"))
        }
        guard errors.isEmpty else {
            throw HTTPError(
                .unprocessableContent, title: "Invalid token request",
                detail: errors.map(\.message).joined(separator: "; "),
                errors: errors)
        }

        let issued = try database.write { connection in
            let issued = try TokenStore(database: database).create(
                organisationID: organisationID, role: body.role, name: name,
                lifetime: .seconds(body.lifetimeDays * 24 * 3600), now: now(), in: connection)
            try record("api_token.create", before: nil, after: issued.token, by: principal, in: connection)
            return issued
        }
        return try .json(Created(token: issued.token, bearer: issued.bearer), status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let organisationID = request.query["organisation"] ?? principal.organisationID
        guard principal.mayRead(organisation: organisationID) else { return try .json(Page(items: [])) }
        return try .json(Page(items: try TokenStore(database: database).list(organisationID: organisationID)))
    }

    private func revoke(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id = try request.parameter("id")
        let scope = principal.isCentral ? nil : principal.organisationID
        try database.write { connection in
            let before = try connection.first(
                "SELECT revoked_at FROM api_tokens WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR organisation_id = $2)",
                [.text(id), .text(scope)])
            guard
                let after = try TokenStore(database: database).revoke(
                    id: id, organisationID: scope, now: now(), in: connection)
            else { throw HTTPError(.notFound, detail: "there is no API token \(id) you can manage") }
            if try before?.optionalInteger("revoked_at") == nil {
                let unrevoked = APIToken(
                    id: after.id, organisationID: after.organisationID, role: after.role, name: after.name,
                    createdAt: after.createdAt, expiresAt: after.expiresAt, revokedAt: nil)
                try record("api_token.revoke", before: unrevoked, after: after, by: principal, in: connection)
            }
        }
        return .empty()
    }

    /// Appends the change to the audit trail in the same transaction as the change itself.
    private func record(
        _ action: String, before: APIToken?, after: APIToken, by principal: Principal, in connection: any SQLConnection
    ) throws {
        let encode: (APIToken?) throws -> String? = { value in
            try value.map { String(decoding: try JSONBodyEncoder().encode($0), as: UTF8.self) }
        }
        let change = AuditChange(
            actorID: principal.id, actorOrganisationID: principal.organisationID, organisationID: after.organisationID,
            action: action, objectType: "api_token", objectID: after.id, before: try encode(before),
            after: try encode(after))
        try AuditTrail().append(change, at: now(), in: connection)
    }
}
