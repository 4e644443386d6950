import Observability
import Storage

extension AccessStore {
    /// Creates a district, the unit of reporting and of area rights.
    /// - Throws: `AccessError` `.duplicate` when the name is taken.
    public func createDistrict(name: String) throws -> DistrictID {
        try write(duplicate: "a district named \(name)") { connection in
            DistrictID(try connection.insertReturningID("INSERT INTO districts (name) VALUES ($1)", [.text(name)]))
        }
    }

    /// Records that `provider` works in `district`; recording it twice changes nothing.
    public func addDistrict(_ district: DistrictID, toProvider provider: String) throws {
        try write(duplicate: "the district membership") { connection in
            try requireProvider(provider, connection)
            try connection.execute(
                "INSERT INTO provider_districts (provider_id, district_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [.text(provider), .integer(district.rawValue)])
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
        try write(duplicate: "a team named \(name) at \(provider)") { connection in
            try requireProvider(provider, connection)
            return TeamID(
                try connection.insertReturningID(
                    "INSERT INTO teams (provider_id, name) VALUES ($1, $2)", [.text(provider), .text(name)]))
        }
    }

    /// Adds an employee to a team of the same provider; adding twice changes nothing.
    /// - Throws: `AccessError` `.notOwnStaff` when the employee works for another provider.
    public func addMember(_ employee: EmployeeID, toTeam team: TeamID) throws {
        try write(duplicate: "the team membership") { connection in
            let sameProvider = try connection.exists(
                """
                SELECT 1 FROM teams t JOIN employees e ON e.provider_id = t.provider_id
                WHERE t.id = $1 AND e.id = $2
                """, [.integer(team.rawValue), .integer(employee.rawValue)])
            guard sameProvider else {
                throw AccessError(.notOwnStaff, "employee \(employee) and team \(team) do not belong to one provider")
            }
            try connection.execute(
                "INSERT INTO team_members (team_id, employee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [.integer(team.rawValue), .integer(employee.rawValue)])
        }
    }

    /// Removes an employee from a team; the team's grants stop applying to them at once.
    public func removeMember(_ employee: EmployeeID, fromTeam team: TeamID) throws {
        // Known limitation: membership has no history, so effective permissions for past
        // shifts use today's teams; see docs/limitations.md.
        try database.write { connection in
            try connection.execute(
                "DELETE FROM team_members WHERE team_id = $1 AND employee_id = $2",
                [.integer(team.rawValue), .integer(employee.rawValue)])
        }
    }
}
