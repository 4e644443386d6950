import Observability
import Storage

extension AccessStore {
    /// Records that a recipient lives behind an apartment door from `start` on. A recipient may
    /// live behind several doors (two entrances to one home); a door has one household at a time.
    /// - Throws: `AccessError` `.wrongDoorKind` for an entrance, `.conflict` when someone else
    ///   lives behind the door at or after `start`.
    public func moveIn(_ recipient: RecipientID, door: DoorID, from start: WallTime) throws {
        try database.write { connection in
            try moveIn(recipient, door: door, from: start, in: connection)
        }
    }

    /// Records a move-in inside the caller's transaction.
    /// - Throws: as `moveIn(_:door:from:)`, and `.notFound` when there is no such door.
    public func moveIn(_ recipient: RecipientID, door: DoorID, from start: WallTime, in connection: any SQLConnection)
        throws
    {
        try translating(duplicate: "the occupancy") {
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
    }

    /// Records that a recipient no longer lives behind a door from `end` on; access through
    /// that door, and through the building's entrances on its account, ends then.
    public func moveOut(_ recipient: RecipientID, door: DoorID, at end: WallTime) throws {
        try database.write { connection in
            try moveOut(recipient, door: door, at: end, in: connection)
        }
    }

    /// Records a move-out inside the caller's transaction.
    /// - Throws: `AccessError` `.notFound` when the recipient has no open occupancy of the door
    ///   that started before `end`.
    public func moveOut(_ recipient: RecipientID, door: DoorID, at end: WallTime, in connection: any SQLConnection)
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
        try database.write { connection in
            try moveOut(recipient, door: old, at: time, in: connection)
            try moveIn(recipient, door: new, from: time, in: connection)
        }
    }
}
