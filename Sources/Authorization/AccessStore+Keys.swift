import Observability
import Storage

extension AccessStore {
    /// The life-cycle states of a digital key.
    public enum KeyStatus: String, Sendable {
        /// In use; carries permissions when assigned to an active employee.
        case active
        /// Reported lost: blocked at once and for good.
        case lost
        /// Taken out of service.
        case retired
    }

    /// Registers a provider's key by its serial number; it opens nothing until assigned.
    /// - Throws: `AccessError` `.duplicate` when the serial is already registered.
    public func registerKey(provider: String, serial: String) throws -> KeyID {
        try database.write { connection in
            try registerKey(provider: provider, serial: serial, in: connection)
        }
    }

    /// Registers a key inside the caller's transaction, so that the caller can record the change
    /// atomically with it.
    /// - Throws: `AccessError` `.duplicate` when the serial is already registered.
    public func registerKey(provider: String, serial: String, in connection: any SQLConnection) throws -> KeyID {
        let now = clock()
        return try translating(duplicate: "key serial \(serial)") {
            try requireProvider(provider, connection)
            return KeyID(
                try connection.insertReturningID(
                    "INSERT INTO keys (serial, provider_id, status, status_changed_at) VALUES ($1, $2, 'active', $3)",
                    [.text(serial), .text(provider), now.sql]))
        }
    }

    /// Hands a key to an employee of the key's provider, taking it from its previous holder.
    /// - Throws: `AccessError` `.keyNotActive` for a lost or retired key, `.notOwnStaff` when the
    ///   employee works for another provider or no longer works.
    public func assignKey(_ key: KeyID, to employee: EmployeeID) throws {
        try database.write { connection in
            try assignKey(key, to: employee, in: connection)
        }
    }

    /// Hands a key to an employee inside the caller's transaction.
    /// - Throws: as `assignKey(_:to:)`.
    public func assignKey(_ key: KeyID, to employee: EmployeeID, in connection: any SQLConnection) throws {
        try assign(key, to: employee, at: clock(), connection)
    }

    private func assign(_ key: KeyID, to employee: EmployeeID, at now: WallTime, _ connection: any SQLConnection)
        throws
    {
        let eligible = try connection.first(
            """
            SELECT k.status FROM keys k JOIN employees e ON e.provider_id = k.provider_id AND e.active = 1
            WHERE k.id = $1 AND e.id = $2
            """, [.integer(key.rawValue), .integer(employee.rawValue)])
        guard let eligible else {
            throw AccessError(
                .notOwnStaff,
                "key \(key) cannot go to employee \(employee): not an active employee of the key's provider")
        }
        guard try eligible.text("status") == KeyStatus.active.rawValue else {
            throw AccessError(.keyNotActive, "key \(key) is \(try eligible.text("status")); register a new key instead")
        }
        try closeAssignment(key, at: now, connection)
        try connection.execute(
            "UPDATE keys SET employee_id = $2 WHERE id = $1", [.integer(key.rawValue), .integer(employee.rawValue)])
        try connection.execute(
            "INSERT INTO key_assignments (key_id, employee_id, valid_from) VALUES ($1, $2, $3)",
            [.integer(key.rawValue), .integer(employee.rawValue), now.sql])
    }

    /// Blocks a key at once: from this call on it has no permissions, whoever holds it.
    public func reportKeyLost(_ key: KeyID) throws {
        try database.write { connection in
            try reportKeyLost(key, in: connection)
        }
    }

    /// Blocks a key inside the caller's transaction.
    /// - Throws: `AccessError` `.keyNotActive` when the key is missing, lost or retired.
    public func reportKeyLost(_ key: KeyID, in connection: any SQLConnection) throws {
        try end(key, as: .lost, at: clock(), onlyIfActive: false, connection)
        logger.notice("key reported lost", ["access.key_id": .int(Int(key.rawValue))])
    }

    /// Takes a key out of service; it has no permissions from now on.
    public func retireKey(_ key: KeyID) throws {
        try database.write { connection in
            try retireKey(key, in: connection)
        }
    }

    /// Takes a key out of service inside the caller's transaction.
    /// - Throws: `AccessError` `.keyNotActive` when the key is missing, lost or retired.
    public func retireKey(_ key: KeyID, in connection: any SQLConnection) throws {
        try end(key, as: .retired, at: clock(), onlyIfActive: false, connection)
    }

    /// Replaces a lost or worn key in one step: the old key is retired (if still active) and a
    /// new key with `serial` goes to the same employee.
    /// - Returns: the new key's id.
    public func replaceKey(_ key: KeyID, withSerial serial: String) throws -> KeyID {
        let now = clock()
        return try write(duplicate: "key serial \(serial)") { connection in
            let old = try connection.first(
                "SELECT provider_id, employee_id FROM keys WHERE id = $1", [.integer(key.rawValue)])
            guard let old else { throw AccessError(.notFound, "there is no key \(key)") }
            try end(key, as: .retired, at: now, onlyIfActive: true, connection)
            let replacement = KeyID(
                try connection.insertReturningID(
                    "INSERT INTO keys (serial, provider_id, status, status_changed_at) VALUES ($1, $2, 'active', $3)",
                    [.text(serial), .text(try old.text("provider_id")), now.sql]))
            if let employee = try old.optionalInteger("employee_id") {
                try assign(replacement, to: EmployeeID(employee), at: now, connection)
            }
            return replacement
        }
    }

    private func end(
        _ key: KeyID, as status: KeyStatus, at now: WallTime, onlyIfActive: Bool, _ connection: any SQLConnection
    ) throws {
        let rows = try connection.execute(
            "UPDATE keys SET status = $2, status_changed_at = $3 WHERE id = $1 AND status = 'active' RETURNING id",
            [.integer(key.rawValue), .text(status.rawValue), now.sql])
        if rows.isEmpty && !onlyIfActive {
            throw AccessError(.keyNotActive, "key \(key) does not exist or is already lost or retired")
        }
        try closeAssignment(key, at: now, connection)
    }

    private func closeAssignment(_ key: KeyID, at time: WallTime, _ connection: any SQLConnection) throws {
        try connection.execute(
            "UPDATE key_assignments SET valid_to = $2 WHERE key_id = $1 AND valid_to IS NULL",
            [.integer(key.rawValue), time.sql])
    }
}
