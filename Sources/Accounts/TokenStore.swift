import Crypto
import Foundation
import Storage

/// Creates, checks, lists and revokes API tokens.
///
/// A bearer credential is `pvt_` + a 24-character hexadecimal identifier + `_` + a 43-character
/// base64url secret (32 random bytes). The database keeps the identifier and a BLAKE2b hash of
/// the secret, so a copy of the database does not yield usable tokens.
public struct TokenStore: Sendable {
    /// The longest lifetime a token may have: a year. Shorter is better; rotate tokens.
    public static let maximumLifetime: Duration = .seconds(365 * 24 * 3600)

    private let database: any Database

    /// Creates a store over `database`.
    public init(database: any Database) {
        self.database = database
    }

    /// Creates a token and returns it with its bearer secret, which is not kept.
    /// - Throws: `TokenError.invalidLifetime` for a lifetime that is not positive or exceeds a year;
    ///   `StorageError` when the organisation does not exist.
    public func create(
        organisationID: String, role: Role, name: String, lifetime: Duration, now: Int64
    ) throws -> IssuedToken {
        try database.write { connection in
            try create(
                organisationID: organisationID, role: role, name: name, lifetime: lifetime, now: now, in: connection)
        }
    }

    /// Creates a token inside the caller's transaction, so that an audit record can commit with it.
    public func create(
        organisationID: String, role: Role, name: String, lifetime: Duration, now: Int64,
        in connection: any SQLConnection
    ) throws -> IssuedToken {
        guard lifetime > .zero, lifetime <= TokenStore.maximumLifetime else { throw TokenError.invalidLifetime }
        let id = RandomBytes.generate(12).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let secret = RandomBytes.generate(32)
        let token = APIToken(
            id: id, organisationID: organisationID, role: role, name: name, createdAt: now,
            expiresAt: now + Int64(lifetime.components.seconds) * 1000, revokedAt: nil)
        try connection.execute(
            """
            INSERT INTO api_tokens (id, organisation_id, role, name, secret_hash, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                .text(id), .text(organisationID), .text(role.rawValue), .text(name), .blob(Blake2b.hash(secret)),
                .integer(now), .integer(token.expiresAt),
            ])
        return IssuedToken(token: token, bearer: "pvt_\(id)_\(Data(secret).base64URLEncoded)")
    }

    /// Checks a bearer credential and returns who it speaks for.
    /// - Throws: `AuthenticationError`.
    public func authenticate(bearer: String, now: Int64) throws -> Principal {
        let parts = bearer.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "pvt", parts[1].count == 24,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
            let secret = Data(base64URLEncoded: String(parts[2])), secret.count == 32
        else { throw AuthenticationError.malformed }

        let row = try database.read { connection in
            try connection.first(
                "SELECT organisation_id, role, secret_hash, expires_at, revoked_at FROM api_tokens WHERE id = $1",
                [.text(String(parts[1]))])
        }
        guard let row, constantTimeEqual(try row.blob("secret_hash"), Blake2b.hash(Array(secret))) else {
            throw AuthenticationError.unknown
        }
        if try row.optionalInteger("revoked_at") != nil { throw AuthenticationError.revoked }
        if try row.integer("expires_at") <= now { throw AuthenticationError.expired }
        guard let role = Role(rawValue: try row.text("role")) else { throw AuthenticationError.unknown }
        return Principal(
            kind: .apiToken, id: String(parts[1]), organisationID: try row.text("organisation_id"), role: role)
    }

    /// Revokes a token at once. Revoking twice keeps the first time.
    /// - Parameter organisationID: the caller's organisation, or `nil` for the central unit.
    /// - Returns: the token as it is after revocation, or `nil` when no token with this
    ///   identifier exists in the caller's scope.
    @discardableResult
    public func revoke(id: String, organisationID: String?, now: Int64) throws -> APIToken? {
        try database.write { connection in try revoke(id: id, organisationID: organisationID, now: now, in: connection)
        }
    }

    /// Revokes a token inside the caller's transaction.
    public func revoke(id: String, organisationID: String?, now: Int64, in connection: any SQLConnection) throws
        -> APIToken?
    {
        try connection.execute(
            """
            UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2)
            WHERE id = $1 AND (CAST($3 AS TEXT) IS NULL OR organisation_id = $3)
            RETURNING \(TokenStore.columns)
            """, [.text(id), .integer(now), .text(organisationID)]
        ).first.map(TokenStore.token)
    }

    /// The tokens of one organisation, newest first; secrets are never returned.
    public func list(organisationID: String) throws -> [APIToken] {
        try database.read { connection in
            try connection.execute(
                """
                SELECT \(TokenStore.columns) FROM api_tokens
                WHERE organisation_id = $1 ORDER BY created_at DESC, id
                """, [.text(organisationID)]
            ).map(TokenStore.token)
        }
    }

    /// Deletes the tokens that expired or were revoked before `cutoff` and returns how many.
    ///
    /// Audit entries name the token that acted. Called with the audit trail's retention cutoff, a
    /// token stays as long as any entry it made can still be kept, since it made them all before
    /// it ended.
    @discardableResult
    public func purge(endedBefore cutoff: Int64) throws -> Int {
        try database.write { connection in
            try connection.execute(
                "DELETE FROM api_tokens WHERE expires_at < $1 OR revoked_at < $1 RETURNING id", [.integer(cutoff)]
            ).count
        }
    }

    private static let columns = "id, organisation_id, role, name, created_at, expires_at, revoked_at"

    private static func token(_ row: SQLRow) throws -> APIToken {
        APIToken(
            id: try row.text("id"), organisationID: try row.text("organisation_id"),
            role: Role(rawValue: try row.text("role")) ?? .auditor, name: try row.text("name"),
            createdAt: try row.integer("created_at"), expiresAt: try row.integer("expires_at"),
            revokedAt: try row.optionalInteger("revoked_at"))
    }
}

/// Why a token could not be created.
public enum TokenError: Error, Equatable {
    /// The lifetime is not positive or longer than `TokenStore.maximumLifetime`.
    case invalidLifetime
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension Data {
    /// Base64 with the URL-safe alphabet and no padding, as bearer tokens use.
    fileprivate var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    fileprivate init?(base64URLEncoded text: String) {
        guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), text.allSatisfy(\.isASCII)
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
