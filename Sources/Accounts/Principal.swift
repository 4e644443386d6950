/// Who is making a request: an API token or (later) a signed-in person, with the organisation
/// and role that bound what it may see and do.
public struct Principal: Sendable, Equatable {
    /// What kind of credential authenticated the request.
    public enum Kind: String, Sendable {
        case apiToken = "api_token"
        case session
    }

    /// The credential's kind.
    public let kind: Kind
    /// The token's or account's identifier, recorded as the actor in the audit trail.
    public let id: String
    /// The organisation it acts for.
    public let organisationID: String
    /// What it may do there.
    public let role: Role

    /// Creates a principal.
    public init(kind: Kind, id: String, organisationID: String, role: Role) {
        self.kind = kind
        self.id = id
        self.organisationID = organisationID
        self.role = role
    }

    /// Whether it acts for the central unit and so may see every provider's data.
    public var isCentral: Bool { role.isCentral }

    /// Whether it may read data belonging to `organisationID`.
    public func mayRead(organisation organisationID: String) -> Bool {
        isCentral || organisationID == self.organisationID
    }
}
