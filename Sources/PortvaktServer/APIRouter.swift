import Accounts
import HTTPServer

/// Registers API routes that require a principal in one of the given roles.
///
/// It keeps a description of each secured route, so that documentation and the
/// tenant-isolation tests are generated from the same table the server routes by.
struct APIRouter {
    /// A secured route: what it answers and who may call it.
    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: String
        let summary: String
        let roles: Set<Role>
    }

    /// A handler that knows who is calling.
    typealias Handler = @Sendable (HTTPRequest, Principal) throws -> HTTPResponse

    private(set) var router: Router
    private(set) var routes: [Route] = []
    let authenticator: Authenticator

    init(router: Router, authenticator: Authenticator) {
        self.router = router
        self.authenticator = authenticator
    }

    /// Adds a route callable by principals in `roles`; others get 403, unauthenticated callers 401.
    mutating func add(
        _ method: HTTPMethod, _ pattern: String, summary: String, roles: Set<Role>, handler: @escaping Handler
    ) {
        routes.append(Route(method: method, pattern: pattern, summary: summary, roles: roles))
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
