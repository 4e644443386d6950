/// A scoped credential for an integration: it acts for one organisation in one role, expires,
/// and can be revoked. Only a hash of its secret is stored.
public struct APIToken: Sendable, Equatable, Codable {
    /// The public part of the token, also its identifier in URLs and the audit trail.
    public let id: String
    /// The organisation it acts for.
    public let organisationID: String
    /// The role it acts in.
    public let role: Role
    /// A label its owner chose, such as "scheduling system"; not personal data.
    public let name: String
    /// Creation time, milliseconds since the Unix epoch.
    public let createdAt: Int64
    /// After this time the token is refused.
    public let expiresAt: Int64
    /// When it was revoked, if it was.
    public let revokedAt: Int64?

    /// Creates a token description.
    public init(
        id: String, organisationID: String, role: Role, name: String, createdAt: Int64, expiresAt: Int64,
        revokedAt: Int64?
    ) {
        self.id = id
        self.organisationID = organisationID
        self.role = role
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// A newly created token with its secret, which is shown once and never stored.
public struct IssuedToken: Sendable {
    /// The stored description.
    public let token: APIToken
    /// The bearer credential to hand to the integration: `pvt_<id>_<secret>`.
    public let bearer: String
}

/// Why a bearer credential was refused. The HTTP layer answers 401 for every case alike, so a
/// caller learns nothing about which tokens exist.
public enum AuthenticationError: Error, Equatable, Sendable {
    /// Not of the form `pvt_<id>_<secret>`.
    case malformed
    /// No token has this identifier, or the secret does not match.
    case unknown
    /// The token's lifetime is over.
    case expired
    /// The token was revoked.
    case revoked
}
