import Storage

/// A change to the access model that was refused, with a stable code, a message a planner or
/// administrator can act on, and the underlying cause when storage refused it.
public struct AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, stable so that the API and the web interface can react to it.
    public enum Code: String, Sendable {
        /// A referenced record does not exist.
        case notFound = "not_found"
        /// The value must be unique (alarm code, key serial, employee number, address, ...).
        case duplicate
        /// A provider tried to act on another provider's employee or team.
        case notOwnStaff = "not_own_staff"
        /// A provider tried to grant access to a recipient it does not serve.
        case notOwnRecipient = "not_own_recipient"
        /// The key is lost or retired and cannot be changed any more.
        case keyNotActive = "key_not_active"
        /// A period ends before it starts, or a change is dated before an existing one.
        case invalidPeriod = "invalid_period"
        /// The door is of the wrong kind for the operation.
        case wrongDoorKind = "wrong_door_kind"
        /// The organisation is not of the kind the operation needs.
        case wrongOrganisationKind = "wrong_organisation_kind"
        /// The change contradicts the current state (for example, a provider change to the
        /// provider the recipient already has).
        case conflict
    }

    /// The stable code.
    public let code: Code
    /// What happened and what to do, in words a person can act on.
    public let message: String
    /// The storage error behind it, when there is one.
    public let cause: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        cause.map { "\(message) (\(code.rawValue): \($0))" } ?? "\(message) (\(code.rawValue))"
    }

    /// Translates a constraint failure into the access model's terms; passes anything else on.
    static func translating(_ error: any Error, duplicate what: String) -> any Error {
        guard let storage = error as? StorageError else { return error }
        switch storage.code {
        case .uniqueViolation:
            return AccessError(.duplicate, "\(what) is already registered", cause: storage.description)
        case .constraintViolation:
            return AccessError(.notFound, "a record that \(what) refers to does not exist", cause: storage.description)
        default:
            return error
        }
    }
}
