/// What a person or an integration may do, within the organisation it belongs to.
///
/// Central roles belong to the central unit (the system owner) and reach every provider's data;
/// provider roles reach only their own provider's.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Assigns rights to providers, sees all data, handles lost keys and emergency access.
    case centralAdministrator = "central_administrator"
    /// Registers, installs and commissions locks; follows up faults.
    case centralOperator = "central_operator"
    /// Registers the provider's own staff and keys and appoints planners.
    case providerAdministrator = "provider_administrator"
    /// Grants and revokes the provider's staff access to the provider's recipients.
    case planner
    /// Reads logs within the organisation's scope; changes nothing.
    case auditor

    /// Whether the role belongs to the central unit.
    public var isCentral: Bool {
        self == .centralAdministrator || self == .centralOperator
    }
}

extension Role {
    /// Those who manage an organisation's staff, keys and tokens.
    public static let administrators: Set<Role> = [.centralAdministrator, .providerAdministrator]
    /// Those who may read a provider's staff and keys.
    public static let staffReaders: Set<Role> = [.centralAdministrator, .providerAdministrator, .planner, .auditor]
}
