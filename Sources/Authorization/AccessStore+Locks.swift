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
        try write(duplicate: "the address \(address)") { connection in
            BuildingID(
                try connection.insertReturningID(
                    "INSERT INTO buildings (address, district_id) VALUES ($1, $2)",
                    [.text(address), .integer(district.rawValue)]))
        }
    }

    /// Adds a door to a building, labelled the way staff find it ("entrance B", "3 tr left").
    public func addDoor(to building: BuildingID, kind: DoorKind, label: String) throws -> DoorID {
        try write(duplicate: "a door labelled \(label) in building \(building)") { connection in
            DoorID(
                try connection.insertReturningID(
                    "INSERT INTO doors (building_id, kind, label) VALUES ($1, $2, $3)",
                    [.integer(building.rawValue), .text(kind.rawValue), .text(label)]))
        }
    }

    /// Records that a recipient lives behind an apartment door from `start` on. A recipient may
    /// live behind several doors (two entrances to one home); a door has one household at a time.
    /// - Throws: `AccessError` `.wrongDoorKind` for an entrance, `.conflict` when someone else
    ///   lives behind the door at or after `start`.
    public func moveIn(_ recipient: RecipientID, door: DoorID, from start: WallTime) throws {
        try write(duplicate: "the occupancy") { connection in
            try moveIn(recipient, door, start, connection)
        }
    }

    private func moveIn(_ recipient: RecipientID, _ door: DoorID, _ start: WallTime, _ connection: any SQLConnection)
        throws
    {
        let kind = try connection.first("SELECT kind FROM doors WHERE id = $1", [.integer(door.rawValue)])
        guard let kind else { throw AccessError(.notFound, "there is no door \(door)") }
        guard try kind.text("kind") == DoorKind.apartment.rawValue else {
            throw AccessError(.wrongDoorKind, "door \(door) is an entrance; only apartment doors have occupants")
        }
        let occupied = try connection.exists(
            "SELECT 1 FROM occupancies WHERE door_id = $1 AND (valid_to IS NULL OR valid_to > $2)",
            [.integer(door.rawValue), start.sql])
        guard !occupied else {
            throw AccessError(.conflict, "door \(door) is occupied at that time; record the move-out first")
        }
        try connection.execute(
            "INSERT INTO occupancies (door_id, recipient_id, valid_from) VALUES ($1, $2, $3)",
            [.integer(door.rawValue), .integer(recipient.rawValue), start.sql])
    }

    /// Records that a recipient no longer lives behind a door from `end` on; access through
    /// that door, and through the building's entrances on its account, ends then.
    public func moveOut(_ recipient: RecipientID, door: DoorID, at end: WallTime) throws {
        try database.write { connection in
            try moveOut(recipient, door, end, connection)
        }
    }

    private func moveOut(_ recipient: RecipientID, _ door: DoorID, _ end: WallTime, _ connection: any SQLConnection)
        throws
    {
        let rows = try connection.execute(
            """
            UPDATE occupancies SET valid_to = $3
            WHERE door_id = $1 AND recipient_id = $2 AND valid_to IS NULL AND valid_from < $3 RETURNING id
            """, [.integer(door.rawValue), .integer(recipient.rawValue), end.sql])
        guard !rows.isEmpty else {
            throw AccessError(
                .notFound, "recipient \(recipient) has no current occupancy of door \(door) before that time")
        }
    }

    /// Moves a recipient house: out of `old` and into `new` at the same moment.
    public func move(_ recipient: RecipientID, from old: DoorID, to new: DoorID, at time: WallTime) throws {
        try write(duplicate: "the occupancy") { connection in
            try moveOut(recipient, old, time, connection)
            try moveIn(recipient, new, time, connection)
        }
    }

    /// Records that lock `lockID` was fitted to `door` at `time`. Permissions belong to doors,
    /// so a lock fitted in place of a faulty one inherits the door's permissions.
    /// - Throws: `AccessError` `.duplicate` when the lock is fitted elsewhere or the door
    ///   already has a lock.
    public func installLock(_ lockID: String, on door: DoorID, at time: WallTime) throws {
        try write(duplicate: "lock \(lockID), or a lock on door \(door),") { connection in
            try connection.execute(
                "INSERT INTO lock_installations (lock_id, door_id, installed_at) VALUES ($1, $2, $3)",
                [.text(lockID), .integer(door.rawValue), time.sql])
        }
    }

    /// Records that lock `lockID` was taken down at `time`; it opens for nobody from then on.
    public func removeLock(_ lockID: String, at time: WallTime) throws {
        try database.write { connection in
            let rows = try connection.execute(
                """
                UPDATE lock_installations SET removed_at = $2
                WHERE lock_id = $1 AND removed_at IS NULL AND installed_at < $2 RETURNING id
                """, [.text(lockID), time.sql])
            guard !rows.isEmpty else {
                throw AccessError(.notFound, "lock \(lockID) is not installed, or was installed after that time")
            }
        }
    }

    /// Replaces the lock on a door (after a fault): the old one comes down and `newLockID` goes
    /// up at the same moment, keeping the door's permissions.
    public func replaceLock(_ oldLockID: String, with newLockID: String, at time: WallTime) throws {
        let door = try database.read { connection in
            try connection.first(
                "SELECT door_id FROM lock_installations WHERE lock_id = $1 AND removed_at IS NULL", [.text(oldLockID)])
        }
        guard let door else { throw AccessError(.notFound, "lock \(oldLockID) is not installed") }
        try removeLock(oldLockID, at: time)
        try installLock(newLockID, on: DoorID(try door.integer("door_id")), at: time)
    }
}
