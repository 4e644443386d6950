/// Why a docked key gets no credential (docs/station.md §5). Each names whom to contact.
public enum RefusalReason: String, Codable, Sendable, CaseIterable {
    /// The serial is not a key of the station's provider, or the key's identity is not the
    /// enrolled one.
    case keyUnknown = "key_unknown"
    /// The key was reported lost or retired.
    case keyBlocked = "key_blocked"
    /// Nobody holds the key, or its holder no longer works.
    case keyNotAssigned = "key_not_assigned"
    /// The holder may open no door during the shift.
    case noPermissions = "no_permissions"
    /// The holder's doors do not fit on a key (more than 4,000).
    case overCapacity = "over_capacity"
    /// The key's battery is too low to last the shift; the station still syncs its logs.
    case batteryLow = "battery_low"

    /// Whom the employee should contact.
    public var contact: RefusalContact {
        switch self {
        case .keyUnknown, .keyNotAssigned: .providerAdministrator
        case .keyBlocked: .centralUnit
        case .noPermissions, .overCapacity: .planner
        case .batteryLow: .nobody
        }
    }
}

/// Whom an employee turns to after a refusal.
public enum RefusalContact: String, Codable, Sendable {
    /// The provider's administrator.
    case providerAdministrator = "provider_administrator"
    /// The central safety-alarm unit.
    case centralUnit = "central_unit"
    /// The provider's planner.
    case planner
    /// Nobody: the employee can act alone (charge or replace the key).
    case nobody = "none"
}
