/// Everything the access model holds about one care recipient, for a data subject access
/// request: the alarm code, the providers over time, the homes (doors and their locks) and
/// every grant that reached the home. Times are milliseconds since the Unix epoch; an absent
/// end means "still so".
public struct RecipientExport: Codable, Sendable, Equatable {
    /// A provider's period of service.
    public struct ProviderPeriod: Codable, Sendable, Equatable {
        public var provider: String
        public var from: Int64
        public var to: Int64?
    }

    /// A lock installed on a home's door.
    public struct Installation: Codable, Sendable, Equatable {
        public var lockID: String
        public var installedAt: Int64
        public var removedAt: Int64?
    }

    /// An apartment door the recipient occupied, with its building's address.
    public struct Home: Codable, Sendable, Equatable {
        public var address: String
        public var door: String
        public var from: Int64
        public var to: Int64?
        public var locks: [Installation]
    }

    /// A provider's grant that reached the recipient: to one employee, a team or all staff,
    /// for this recipient or for all the provider's recipients.
    public struct Grant: Codable, Sendable, Equatable {
        public var id: Int64
        public var provider: String
        public var subject: String
        public var subjectID: Int64?
        public var target: String
        public var from: Int64
        public var to: Int64?
        public var schedule: String?
    }

    /// The central unit's time-limited emergency access to the recipient or one of the homes.
    public struct EmergencyGrant: Codable, Sendable, Equatable {
        public var id: Int64
        public var employeeID: Int64
        public var from: Int64
        public var to: Int64
        public var reason: String
    }

    public var alarmCode: String
    public var registeredAt: Int64
    public var providers: [ProviderPeriod]
    public var homes: [Home]
    public var grants: [Grant]
    public var emergencyGrants: [EmergencyGrant]
}
