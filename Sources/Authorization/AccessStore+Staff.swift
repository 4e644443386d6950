import Observability
import Storage

extension AccessStore {
    /// Creates a district, the unit of reporting and of area rights.
    /// - Throws: `AccessError` `.duplicate` when the name is taken.
    public func createDistrict(name: String) throws -> DistrictID {
        try database.write { connection in
            try createDistrict(name: name, in: connection)
        }
    }

    /// Creates a district inside the caller's transaction.
    /// - Throws: `AccessError` `.duplicate` when the name is taken.
    public func createDistrict(name: String, in connection: any SQLConnection) throws -> DistrictID {
        try translating(duplicate: "a district named \(name)") {
            DistrictID(try connection.insertReturningID("INSERT INTO districts (name) VALUES ($1)", [.text(name)]))
        }
    }

    /// Records that `provider` works in `district`; recording it twice changes nothing.
    public func addDistrict(_ district: DistrictID, toProvider provider: String) throws {
        try database.write { connection in
            _ = try addDistrict(district, toProvider: provider, in: connection)
        }
    }

    /// Records that `provider` works in `district`, inside the caller's transaction.
    /// - Returns: whether the provider was not recorded in the district before.
    /// - Throws: `AccessError` `.notFound` when the district or provider does not exist,
    ///   `.wrongOrganisationKind` when the organisation is not a care provider.
    @discardableResult
    public func addDistrict(_ district: DistrictID, toProvider provider: String, in connection: any SQLConnection)
        throws -> Bool
    {
        try translating(duplicate: "the district membership") {
            try requireProvider(provider, connection)
            guard try connection.exists("SELECT 1 FROM districts WHERE id = $1", [.integer(district.rawValue)]) else {
                throw AccessError(.notFound, "there is no district \(district)")
            }
            let added = try connection.execute(
                """
                INSERT INTO provider_districts (provider_id, district_id) VALUES ($1, $2)
                ON CONFLICT DO NOTHING RETURNING district_id
                """, [.text(provider), .integer(district.rawValue)])
            return !added.isEmpty
        }
    }

    /// Registers an employee with only what the provider needs to tell staff apart.
    /// - Parameters:
    ///   - number: the provider's own employee number, unique within the provider.
    ///   - displayName: a name the provider chooses; it need not be the person's legal name.
    public func registerEmployee(provider: String, number: String, displayName: String) throws -> EmployeeID {
        try database.write { connection in
            try registerEmployee(provider: provider, number: number, displayName: displayName, in: connection)
        }
    }

    /// Registers an employee inside the caller's transaction, so that the caller can record the
    /// change (in the audit trail, say) atomically with it.
    /// - Throws: `AccessError` `.duplicate` when the number is taken at the provider.
    public func registerEmployee(
        provider: String, number: String, displayName: String, in connection: any SQLConnection
    ) throws -> EmployeeID {
        try translating(duplicate: "employee number \(number) at \(provider)") {
            try requireProvider(provider, connection)
            return EmployeeID(
                try connection.insertReturningID(
                    "INSERT INTO employees (provider_id, employee_number, display_name, active) VALUES ($1, $2, $3, 1)",
                    [.text(provider), .text(number), .text(displayName)]))
        }
    }

    /// Marks an employee as no longer working; their keys open nothing from now on, while their
    /// grants stay on record.
    public func deactivateEmployee(_ employee: EmployeeID) throws {
        try database.write { connection in
            try deactivateEmployee(employee, in: connection)
        }
    }

    /// Marks an employee as no longer working, inside the caller's transaction.
    /// - Throws: `AccessError` `.notFound` when there is no such employee.
    public func deactivateEmployee(_ employee: EmployeeID, in connection: any SQLConnection) throws {
        let rows = try connection.execute(
            "UPDATE employees SET active = 0 WHERE id = $1 RETURNING id", [.integer(employee.rawValue)])
        guard !rows.isEmpty else { throw AccessError(.notFound, "there is no employee \(employee)") }
        logger.info("employee deactivated", ["access.employee_id": .int(Int(employee.rawValue))])
    }

    /// Changes the name the provider shows for an employee, inside the caller's transaction.
    /// - Throws: `AccessError` `.notFound` when there is no such employee.
    public func renameEmployee(_ employee: EmployeeID, to displayName: String, in connection: any SQLConnection)
        throws
    {
        let rows = try connection.execute(
            "UPDATE employees SET display_name = $2 WHERE id = $1 RETURNING id",
            [.integer(employee.rawValue), .text(displayName)])
        guard !rows.isEmpty else { throw AccessError(.notFound, "there is no employee \(employee)") }
    }

    /// Creates a team (a route group) of a provider.
    public func createTeam(provider: String, name: String) throws -> TeamID {
        try database.write { connection in
            try createTeam(provider: provider, name: name, in: connection)
        }
    }

    /// Creates a team inside the caller's transaction.
    /// - Throws: `AccessError` `.duplicate` when the provider has a team of that name,
    ///   `.wrongOrganisationKind` when the organisation is not a care provider.
    public func createTeam(provider: String, name: String, in connection: any SQLConnection) throws -> TeamID {
        try translating(duplicate: "a team named \(name) at \(provider)") {
            try requireProvider(provider, connection)
            return TeamID(
                try connection.insertReturningID(
                    "INSERT INTO teams (provider_id, name) VALUES ($1, $2)", [.text(provider), .text(name)]))
        }
    }

    /// Adds an employee to a team of the same provider; adding twice changes nothing.
    /// - Throws: `AccessError` `.notOwnStaff` when the employee works for another provider.
    public func addMember(_ employee: EmployeeID, toTeam team: TeamID) throws {
        try database.write { connection in
            _ = try addMember(employee, toTeam: team, in: connection)
        }
    }

    /// Adds an employee to a team of the same provider, inside the caller's transaction.
    /// - Returns: whether the employee was not a member before.
    /// - Throws: `AccessError` `.notOwnStaff` when the employee works for another provider.
    @discardableResult
    public func addMember(_ employee: EmployeeID, toTeam team: TeamID, in connection: any SQLConnection) throws
        -> Bool
    {
        try translating(duplicate: "the team membership") {
            let sameProvider = try connection.exists(
                """
                SELECT 1 FROM teams t JOIN employees e ON e.provider_id = t.provider_id
                WHERE t.id = $1 AND e.id = $2
                """, [.integer(team.rawValue), .integer(employee.rawValue)])
            guard sameProvider else {
                throw AccessError(.notOwnStaff, "employee \(employee) and team \(team) do not belong to one provider")
            }
            let added = try connection.execute(
                """
                INSERT INTO team_members (team_id, employee_id) VALUES ($1, $2)
                ON CONFLICT DO NOTHING RETURNING employee_id
                """, [.integer(team.rawValue), .integer(employee.rawValue)])
            return !added.isEmpty
        }
    }

    /// Removes an employee from a team; the team's grants stop applying to them at once.
    public func removeMember(_ employee: EmployeeID, fromTeam team: TeamID) throws {
        try database.write { connection in
            _ = try removeMember(employee, fromTeam: team, in: connection)
        }
    }

    /// Removes an employee from a team inside the caller's transaction.
    /// - Returns: whether the employee was a member.
    @discardableResult
    public func removeMember(_ employee: EmployeeID, fromTeam team: TeamID, in connection: any SQLConnection) throws
        -> Bool
    {
        // Known limitation: membership has no history, so effective permissions for past
        // shifts use today's teams; see docs/limitations.md.
        let removed = try connection.execute(
            "DELETE FROM team_members WHERE team_id = $1 AND employee_id = $2 RETURNING employee_id",
            [.integer(team.rawValue), .integer(employee.rawValue)])
        return !removed.isEmpty
    }
}
