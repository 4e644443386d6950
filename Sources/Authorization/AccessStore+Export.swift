import Storage

extension AccessStore {
    /// Everything held about the recipient with `alarmCode`, or `nil` when there is none.
    ///
    /// Read in one snapshot, so the parts agree with each other.
    public func exportRecipient(alarmCode: String) throws -> RecipientExport? {
        try database.read { connection in
            guard
                let recipient = try connection.first(
                    "SELECT id, created_at FROM recipients WHERE alarm_code = $1", [.text(alarmCode)])
            else { return nil }
            let id = SQLValue.integer(try recipient.integer("id"))

            let providers = try connection.execute(
                "SELECT provider_id, valid_from, valid_to FROM recipient_providers WHERE recipient_id = $1 ORDER BY valid_from",
                [id]
            ).map { row in
                RecipientExport.ProviderPeriod(
                    provider: try row.text("provider_id"), from: try row.integer("valid_from"),
                    to: try row.optionalInteger("valid_to"))
            }

            let homes = try connection.execute(
                """
                SELECT o.door_id, b.address, d.label, o.valid_from, o.valid_to FROM occupancies o
                JOIN doors d ON d.id = o.door_id JOIN buildings b ON b.id = d.building_id
                WHERE o.recipient_id = $1 ORDER BY o.valid_from, o.door_id
                """, [id]
            ).map { row in
                let locks = try connection.execute(
                    """
                    SELECT lock_id, installed_at, removed_at FROM lock_installations
                    WHERE door_id = $1 ORDER BY installed_at
                    """, [.integer(try row.integer("door_id"))]
                ).map { lock in
                    RecipientExport.Installation(
                        lockID: try lock.text("lock_id"), installedAt: try lock.integer("installed_at"),
                        removedAt: try lock.optionalInteger("removed_at"))
                }
                return RecipientExport.Home(
                    address: try row.text("address"), door: try row.text("label"), from: try row.integer("valid_from"),
                    to: try row.optionalInteger("valid_to"), locks: locks)
            }

            // Grants for this recipient, and grants for all of a provider's recipients from a
            // provider that has served (or will serve) this one.
            let grants = try connection.execute(
                """
                SELECT g.id, g.provider_id, g.employee_id, g.team_id, g.recipient_id, g.valid_from, g.valid_to,
                    s.text AS schedule
                FROM grants g LEFT JOIN schedules s ON s.id = g.schedule_id
                WHERE g.recipient_id = $1
                    OR (g.recipient_id IS NULL AND g.provider_id IN
                        (SELECT provider_id FROM recipient_providers WHERE recipient_id = $1))
                ORDER BY g.id
                """, [id]
            ).map { row in
                let employee = try row.optionalInteger("employee_id")
                let team = try row.optionalInteger("team_id")
                return RecipientExport.Grant(
                    id: try row.integer("id"), provider: try row.text("provider_id"),
                    subject: employee != nil ? "employee" : team != nil ? "team" : "all_staff",
                    subjectID: employee ?? team,
                    target: try row.optionalInteger("recipient_id") == nil ? "all_recipients" : "recipient",
                    from: try row.integer("valid_from"), to: try row.optionalInteger("valid_to"),
                    schedule: try row.optionalText("schedule"))
            }

            let emergencies = try connection.execute(
                """
                SELECT id, employee_id, valid_from, valid_to, reason FROM emergency_grants
                WHERE recipient_id = $1 OR door_id IN (SELECT door_id FROM occupancies WHERE recipient_id = $1)
                ORDER BY id
                """, [id]
            ).map { row in
                RecipientExport.EmergencyGrant(
                    id: try row.integer("id"), employeeID: try row.integer("employee_id"),
                    from: try row.integer("valid_from"), to: try row.integer("valid_to"), reason: try row.text("reason")
                )
            }

            return RecipientExport(
                alarmCode: alarmCode, registeredAt: try recipient.integer("created_at"), providers: providers,
                homes: homes, grants: grants, emergencyGrants: emergencies)
        }
    }
}
