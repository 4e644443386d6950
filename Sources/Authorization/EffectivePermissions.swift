import Observability

/// A stretch of the shift in which a lock may be opened, possibly limited to a weekly schedule.
public struct PermissionWindow: Sendable, Equatable, Comparable {
    /// The first moment the permission holds.
    public var start: WallTime
    /// The first moment it no longer holds.
    public var end: WallTime
    /// When in the week it may be used; `nil` for any time.
    public var schedule: WeeklySchedule?

    /// Creates a window.
    public init(start: WallTime, end: WallTime, schedule: WeeklySchedule?) {
        self.start = start
        self.end = end
        self.schedule = schedule
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.start.millisecondsSinceEpoch, lhs.end.millisecondsSinceEpoch)
            < (rhs.start.millisecondsSinceEpoch, rhs.end.millisecondsSinceEpoch)
    }
}

/// What a key may do with one lock during a shift.
public struct LockPermission: Sendable, Equatable {
    /// The lock device's id.
    public var lockID: String
    /// The windows, sorted by start and end, with distinct bounds.
    public var windows: [PermissionWindow]
}

/// The set of locks a key may open during a shift, as the sync station loads it onto the key.
///
/// How permissions combine:
/// - Every source (a provider grant reaching the key's employee, an area grant, an emergency
///   grant) yields windows: the intersection of the shift, the grant's validity, and every
///   period the path depends on (the provider serving the recipient, the recipient living
///   behind the door, the lock being fitted to the door).
/// - Entrance access follows apartment access: each window on an apartment door yields the
///   same window and schedule on every entrance of that building.
/// - Windows of one lock with the same start and end are merged by taking the union of their
///   schedules; no schedule ("any time") absorbs any schedule. Windows with different bounds are
///   kept apart, because merging them would widen one source's schedule into another's time.
/// - A schedule is not checked against the window's weekdays; the lock does that with its own
///   clock and time zone.
public struct EffectivePermissions: Sendable, Equatable {
    /// The most locks a key can hold.
    public static let keyCapacity = 4_000

    /// The key asked about.
    public var key: KeyID
    /// The shift, `[start, end)`.
    public var shift: Period
    /// Every lock the key may open in the shift, sorted by lock id; not truncated.
    public var permissions: [LockPermission]

    /// Creates a result from its parts.
    public init(key: KeyID, shift: Period, permissions: [LockPermission]) {
        self.key = key
        self.shift = shift
        self.permissions = permissions
    }

    /// How many locks the key would need to hold.
    public var lockCount: Int { permissions.count }

    /// Whether the set fits on a key; when it does not, nothing should be issued.
    public var fitsOnKey: Bool { lockCount <= Self.keyCapacity }

    /// For a planner, why the set cannot be issued; `nil` when it fits.
    public var overCapacityMessage: String? {
        guard !fitsOnKey else { return nil }
        return "key \(key) would need \(lockCount) lock permissions for this shift, but a key holds at most "
            + "\(Self.keyCapacity); narrow the grants (fewer recipients, teams or districts) by "
            + "\(lockCount - Self.keyCapacity) locks before the key is synced"
    }

    /// Builds the canonical result from raw windows, one per source and lock, in any order and
    /// with repeats.
    static func combining(
        key: KeyID, shift: Period, rows: [(lockID: String, start: Int64, end: Int64, schedule: WeeklySchedule?)]
    ) -> EffectivePermissions {
        struct Bounds: Hashable {
            var start: Int64
            var end: Int64
        }
        var byLock: [String: [Bounds: WeeklySchedule?]] = [:]
        for row in rows {
            let bounds = Bounds(start: row.start, end: row.end)
            if let existing = byLock[row.lockID]?[bounds] {
                byLock[row.lockID]![bounds] = WeeklySchedule.union(existing, row.schedule)
            } else {
                byLock[row.lockID, default: [:]][bounds] = .some(row.schedule)
            }
        }
        let permissions = byLock.map { lockID, windows in
            LockPermission(
                lockID: lockID,
                windows: windows.map { bounds, schedule in
                    PermissionWindow(
                        start: WallTime(millisecondsSinceEpoch: bounds.start),
                        end: WallTime(millisecondsSinceEpoch: bounds.end), schedule: schedule)
                }.sorted())
        }.sorted { $0.lockID < $1.lockID }
        return EffectivePermissions(key: key, shift: shift, permissions: permissions)
    }
}
