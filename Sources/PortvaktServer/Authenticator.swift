import Accounts
import HTTPServer

/// Turns a request's `Authorization: Bearer …` header into the principal it speaks for.
///
/// Every refusal is the same 401, whatever the reason (missing, malformed, unknown, expired or
/// revoked), so a caller cannot probe which tokens exist.
struct Authenticator: Sendable {
    let tokens: TokenStore
    let now: @Sendable () -> Int64

    func principal(for request: HTTPRequest) throws -> Principal {
        guard let header = request.headers["Authorization"], header.hasPrefix("Bearer ") else {
            throw Authenticator.unauthorized("this request needs an API token: send 'Authorization: Bearer pvt_…'")
        }
        do {
            return try tokens.authenticate(bearer: String(header.dropFirst("Bearer ".count)), now: now())
        } catch is AuthenticationError {
            throw Authenticator.unauthorized(
                "the API token is not valid: it may be mistyped, expired or revoked; ask your administrator for a new one"
            )
        }
    }

    static func unauthorized(_ detail: String) -> HTTPError {
        HTTPError(
            .unauthorized, detail: detail, headers: HTTPHeaders([("WWW-Authenticate", #"Bearer realm="portvakt""#)]))
    }
}
