/// One change to the authorization data: who did what to which object, when, and the object
/// before and after as JSON. Entries are appended in the same transaction as the change.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// Position in the trail, from 1, without gaps.
    public let sequence: Int64
    /// When the change was made, milliseconds since the Unix epoch.
    public let at: Int64
    /// The token or account that made it.
    public let actorID: String
    /// The organisation the actor acted for.
    public let actorOrganisationID: String
    /// The organisation whose data changed; a provider's auditors see entries about their own.
    public let organisationID: String
    /// What was done, such as `employee.create` or `key.report_lost`.
    public let action: String
    /// The kind of object, such as `employee`.
    public let objectType: String
    /// The object's identifier.
    public let objectID: String
    /// The object before the change as JSON; `nil` when it was created.
    public let before: String?
    /// The object after the change as JSON; `nil` when it was removed.
    public let after: String?
    /// BLAKE2b over the previous entry's hash and this entry's fields.
    public let hash: [UInt8]
}

/// What to record; the trail assigns sequence, time and hash.
public struct AuditChange: Sendable {
    public let actorID: String
    public let actorOrganisationID: String
    public let organisationID: String
    public let action: String
    public let objectType: String
    public let objectID: String
    public let before: String?
    public let after: String?

    /// Describes a change.
    public init(
        actorID: String, actorOrganisationID: String, organisationID: String, action: String, objectType: String,
        objectID: String, before: String?, after: String?
    ) {
        self.actorID = actorID
        self.actorOrganisationID = actorOrganisationID
        self.organisationID = organisationID
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.before = before
        self.after = after
    }
}
