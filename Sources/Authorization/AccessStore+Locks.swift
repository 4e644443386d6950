import Observability
import Storage

extension AccessStore {
    /// The kinds of door a lock can be fitted to.
    public enum DoorKind: String, Sendable {
        /// One household's door; its lock belongs to the recipient living behind it.
        case apartment
        /// A building entrance, shared by everyone in the building whatever their provider.
        case entrance
    }

    /// Registers a building by its address; the address is how a lock is known.
    public func createBuilding(address: String, district: DistrictID) throws -> BuildingID {
        try database.write { connection in
            try createBuilding(address: address, district: district, in: connection)
        }
    }

    /// Registers a building inside the caller's transaction.
    /// - Throws: `AccessError` `.duplicate` when the address is registered already, `.notFound`
    ///   when there is no such district.
    public func createBuilding(address: String, district: DistrictID, in connection: any SQLConnection) throws
        -> BuildingID
    {
        try translating(duplicate: "the address \(address)") {
            BuildingID(
                try connection.insertReturningID(
                    "INSERT INTO buildings (address, district_id) VALUES ($1, $2)",
                    [.text(address), .integer(district.rawValue)]))
        }
    }

    /// Adds a door to a building, labelled the way staff find it ("entrance B", "3 tr left").
    public func addDoor(to building: BuildingID, kind: DoorKind, label: String) throws -> DoorID {
        try database.write { connection in
            try addDoor(to: building, kind: kind, label: label, in: connection)
        }
    }

    /// Adds a door to a building inside the caller's transaction.
    /// - Throws: `AccessError` `.duplicate` when the building has a door with this label.
    public func addDoor(to building: BuildingID, kind: DoorKind, label: String, in connection: any SQLConnection)
        throws -> DoorID
    {
        try translating(duplicate: "a door labelled \(label) in building \(building)") {
            DoorID(
                try connection.insertReturningID(
                    "INSERT INTO doors (building_id, kind, label) VALUES ($1, $2, $3)",
                    [.integer(building.rawValue), .text(kind.rawValue), .text(label)]))
        }
    }

    /// Records that lock `lockID` was fitted to `door` at `time`. Permissions belong to doors,
    /// so a lock fitted in place of a faulty one inherits the door's permissions.
    /// - Throws: `AccessError` `.duplicate` when the lock is fitted elsewhere or the door
    ///   already has a lock.
    public func installLock(_ lockID: String, on door: DoorID, at time: WallTime) throws {
        try database.write { connection in
            _ = try installLock(lockID, on: door, at: time, in: connection)
        }
    }

    /// Records a lock's fitting inside the caller's transaction.
    ///
    /// A lock is on one door at a time and a door has one lock at a time, over all of time and
    /// not only now: a lock whose removal is dated after `time`, or a door whose lock comes down
    /// after `time`, is still in place then.
    /// - Returns: the new installation's id.
    /// - Throws: `AccessError` `.notFound` when there is no such door, `.duplicate` when the lock
    ///   is on another door, or the door has another lock, at or after `time`.
    public func installLock(_ lockID: String, on door: DoorID, at time: WallTime, in connection: any SQLConnection)
        throws -> LockInstallationID
    {
        try translating(duplicate: "lock \(lockID), or a lock on door \(door),") {
            guard try connection.exists("SELECT 1 FROM doors WHERE id = $1", [.integer(door.rawValue)]) else {
                throw AccessError(.notFound, "there is no door \(door)")
            }
            let elsewhere = try connection.first(
                """
                SELECT door_id FROM lock_installations
                WHERE lock_id = $1 AND (removed_at IS NULL OR removed_at > $2) ORDER BY installed_at LIMIT 1
                """, [.text(lockID), time.sql])
            if let elsewhere {
                throw AccessError(
                    .duplicate,
                    "lock \(lockID) is on door \(try elsewhere.integer("door_id")) at that time; record its removal first"
                )
            }
            let fitted = try connection.first(
                """
                SELECT lock_id FROM lock_installations
                WHERE door_id = $1 AND (removed_at IS NULL OR removed_at > $2) ORDER BY installed_at LIMIT 1
                """, [.integer(door.rawValue), time.sql])
            if let fitted {
                throw AccessError(
                    .duplicate,
                    "door \(door) has lock \(try fitted.text("lock_id")) at that time; replace that lock instead")
            }
            return LockInstallationID(
                try connection.insertReturningID(
                    "INSERT INTO lock_installations (lock_id, door_id, installed_at) VALUES ($1, $2, $3)",
                    [.text(lockID), .integer(door.rawValue), time.sql]))
        }
    }

    /// Records that lock `lockID` was taken down at `time`; it opens for nobody from then on.
    public func removeLock(_ lockID: String, at time: WallTime) throws {
        try database.write { connection in
            try removeLock(lockID, at: time, in: connection)
        }
    }

    /// Records a lock's removal inside the caller's transaction.
    /// - Throws: `AccessError` `.notFound` when the lock is not installed, or was installed at or
    ///   after `time`.
    public func removeLock(_ lockID: String, at time: WallTime, in connection: any SQLConnection) throws {
        let rows = try connection.execute(
            """
            UPDATE lock_installations SET removed_at = $2
            WHERE lock_id = $1 AND removed_at IS NULL AND installed_at < $2 RETURNING id
            """, [.text(lockID), time.sql])
        guard !rows.isEmpty else {
            throw AccessError(.notFound, "lock \(lockID) is not installed, or was installed after that time")
        }
    }

    /// Replaces the lock on a door (after a fault): the old one comes down and `newLockID` goes
    /// up at the same moment, keeping the door's permissions.
    public func replaceLock(_ oldLockID: String, with newLockID: String, at time: WallTime) throws {
        try database.write { connection in
            _ = try replaceLock(oldLockID, with: newLockID, at: time, in: connection)
        }
    }

    /// Replaces the lock on a door inside the caller's transaction; either both steps are
    /// recorded or neither is.
    /// - Returns: the new lock's installation id.
    /// - Throws: as `removeLock(_:at:)` for the old lock and `installLock(_:on:at:)` for the new.
    public func replaceLock(
        _ oldLockID: String, with newLockID: String, at time: WallTime, in connection: any SQLConnection
    ) throws -> LockInstallationID {
        let door = try connection.first(
            "SELECT door_id FROM lock_installations WHERE lock_id = $1 AND removed_at IS NULL", [.text(oldLockID)])
        guard let door else { throw AccessError(.notFound, "lock \(oldLockID) is not installed") }
        try removeLock(oldLockID, at: time, in: connection)
        return try installLock(newLockID, on: DoorID(try door.integer("door_id")), at: time, in: connection)
    }
}
