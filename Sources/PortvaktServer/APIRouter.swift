import Accounts
import HTTPServer

/// Registers API routes that require a principal in one of the given roles.
///
/// It keeps a description of each secured route, so that documentation and the
/// tenant-isolation tests are generated from the same table the server routes by.
struct APIRouter {

    /// A handler that knows who is calling.
    typealias Handler = @Sendable (HTTPRequest, Principal) throws -> HTTPResponse

    private(set) var router: Router
    private(set) var routes: [SecuredRoute] = []
    /// The routes reached only through the sealed station link.
    private(set) var stationRoutes: [StationRoute] = []
    /// The OpenAPI document, built from the same registrations.
    private(set) var document: OpenAPIDocument
    let authenticator: Authenticator

    init(router: Router, document: OpenAPIDocument, authenticator: Authenticator) {
        self.router = router
        self.document = document
        self.authenticator = authenticator
    }

    /// Names a schema that operations refer to.
    mutating func define(_ name: String, _ schema: JSONSchema) {
        document.define(name, schema)
    }

    /// Names a security scheme in which callers identify themselves in `header`.
    mutating func defineHeaderScheme(_ name: String, header: String, description: String) {
        document.defineHeaderScheme(name, header: header, description: description)
    }

    /// Adds a route that needs no token (health, version, the API description).
    mutating func addPublic(
        _ method: HTTPMethod, _ pattern: String, summary: String, _ operation: OpenAPIOperation,
        handler: @escaping HTTPHandler
    ) {
        document.add(method, pattern, summary: summary, operation)
        router.add(method, pattern, summary: summary, handler: handler)
    }

    /// Adds a route outside the JSON API (the landing page, metrics) that the document leaves out.
    mutating func addUndocumented(
        _ method: HTTPMethod, _ pattern: String, summary: String, handler: @escaping HTTPHandler
    ) {
        router.add(method, pattern, summary: summary, handler: handler)
    }

    /// Serves the OpenAPI document built so far at `pattern`; call after every other route.
    mutating func addDocument(at pattern: String) throws {
        document.add(
            .get, pattern, summary: "This API's OpenAPI 3.1 description",
            OpenAPIOperation(
                tag: "operations", id: "openAPIDocument", success: (.ok, .object([:], required: [], additional: true)),
                authenticated: false))
        let body = try document.encoded()
        router.add(.get, pattern, summary: "This API's OpenAPI 3.1 description") { _ in
            HTTPResponse(status: .ok, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        }
    }

    /// Adds a route callable by principals in `roles`; others get 403, unauthenticated callers 401.
    mutating func add(
        _ method: HTTPMethod, _ pattern: String, summary: String, roles: Set<Role>, _ operation: OpenAPIOperation,
        handler: @escaping Handler
    ) {
        routes.append(SecuredRoute(method: method, pattern: pattern, summary: summary, roles: roles))
        document.add(method, pattern, summary: summary, operation)
        let authenticator = self.authenticator
        router.add(method, pattern, summary: summary) { request in
            let principal = try authenticator.principal(for: request)
            guard roles.contains(principal.role) else {
                throw HTTPError(
                    .forbidden,
                    detail: "the role \(principal.role.rawValue) may not do this; ask an administrator if you need to")
            }
            return try handler(request, principal)
        }
    }
}

extension APIRouter {
    /// Adds a station operation: `POST` at `pattern`, reached only through the sealed station link
    /// (``StationGate``), never with an API token. The document describes it with the link's
    /// content type and security scheme.
    mutating func addStationOperation(
        _ pattern: String, summary: String, _ operation: OpenAPIOperation, gate: StationGate,
        handler: @escaping StationGate.Handler
    ) {
        stationRoutes.append(StationRoute(method: .post, pattern: pattern, summary: summary))
        document.add(.post, pattern, summary: summary, operation)
        router.add(.post, pattern, summary: summary) { request in try gate.handle(request, handler) }
    }
}

/// A route that needs an API token: what it answers and which roles may call it.
public struct SecuredRoute: Sendable {
    /// The method.
    public let method: HTTPMethod
    /// The path pattern, such as `/api/v1/tokens/:id`.
    public let pattern: String
    /// What it does.
    public let summary: String
    /// The roles allowed to call it; others get 403.
    public let roles: Set<Role>
}

/// A route only an enrolled station can call, through the sealed station link.
public struct StationRoute: Sendable {
    /// The method, always `POST`.
    public let method: HTTPMethod
    /// The path, such as `/api/v1/station/heartbeat`.
    public let pattern: String
    /// What it does.
    public let summary: String
}
