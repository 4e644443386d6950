/// A database-assigned identifier, typed by what it identifies so that an employee's id cannot
/// be passed where a recipient's is expected.
public struct EntityID<Entity>: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The integer the database assigned.
    public let rawValue: Int64

    /// Wraps an identifier read from the database.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// The kinds of record the access model identifies; used only as `EntityID` tags.
public enum Entity {
    /// A reporting area and unit of area rights.
    public enum District {}
    /// A member of a provider's staff.
    public enum Employee {}
    /// A group of a provider's employees, such as a route group.
    public enum Team {}
    /// A digital key.
    public enum Key {}
    /// A care recipient, known only by alarm code.
    public enum Recipient {}
    /// A building, known by address.
    public enum Building {}
    /// A door of a building: an apartment door or an entrance.
    public enum Door {}
    /// A lock's period on a door, from fitting to removal.
    public enum LockInstallation {}
    /// A provider's grant to its staff.
    public enum Grant {}
    /// A central area grant.
    public enum AreaGrant {}
    /// A central, time-limited emergency grant.
    public enum EmergencyGrant {}
}

/// Identifies a district.
public typealias DistrictID = EntityID<Entity.District>
/// Identifies an employee.
public typealias EmployeeID = EntityID<Entity.Employee>
/// Identifies a team.
public typealias TeamID = EntityID<Entity.Team>
/// Identifies a digital key (not its serial number).
public typealias KeyID = EntityID<Entity.Key>
/// Identifies a care recipient (not the alarm code).
public typealias RecipientID = EntityID<Entity.Recipient>
/// Identifies a building.
public typealias BuildingID = EntityID<Entity.Building>
/// Identifies a door.
public typealias DoorID = EntityID<Entity.Door>
/// Identifies one installation of a lock on a door (not the lock's own identity).
public typealias LockInstallationID = EntityID<Entity.LockInstallation>
/// Identifies a provider grant.
public typealias GrantID = EntityID<Entity.Grant>
/// Identifies an area grant.
public typealias AreaGrantID = EntityID<Entity.AreaGrant>
/// Identifies an emergency grant.
public typealias EmergencyGrantID = EntityID<Entity.EmergencyGrant>
