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

    /// Creates a lock's permission.
    public init(lockID: String, windows: [PermissionWindow]) {
        self.lockID = lockID
        self.windows = windows
    }
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
    // Known limitation: schedules are not checked against the shift's weekdays, so a lock
    // whose schedule never falls in the shift still counts toward the capacity; see
    // docs/limitations.md.

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

    /// Builds the canonical result from what the query returns: one window per source and lock,
    /// each as a permission of its own, in any order and with repeats.
    static func combining(key: KeyID, shift: Period, sources: consuming [LockPermission]) -> EffectivePermissions {
        // Sorted here rather than by the query: ORDER BY was a fifth of SQLite's work for a
        // 4,000-lock key, and PostgreSQL may order text by a locale, not as Swift compares.
        sources.sort { $0.lockID < $1.lockID }

        var permissions: [LockPermission] = []
        permissions.reserveCapacity(sources.count)
        for source in sources {
            if let last = permissions.indices.last, permissions[last].lockID == source.lockID {
                for window in source.windows { permissions[last].add(window) }
            } else {
                permissions.append(source)
            }
        }
        for index in permissions.indices where permissions[index].windows.count > 1 {
            permissions[index].windows.sort()
        }
        return EffectivePermissions(key: key, shift: shift, permissions: permissions)
    }
}

extension LockPermission {
    /// Adds a window: one with the same bounds as a window already here widens that window's
    /// schedule to the union of both; other windows are kept apart.
    fileprivate mutating func add(_ window: PermissionWindow) {
        // A lock nearly always has one window, so a linear search is the cheap way.
        guard let same = windows.firstIndex(where: { $0.start == window.start && $0.end == window.end }) else {
            windows.append(window)
            return
        }
        if windows[same].schedule != window.schedule {
            windows[same].schedule = WeeklySchedule.union(windows[same].schedule, window.schedule)
        }
    }
}
