import Observability
import Storage

extension AccessStore {
    /// The locks `key` may open during `shift`, with their windows and schedules, computed in one
    /// set query. See `EffectivePermissions` for how sources and schedules combine.
    ///
    /// A lost or retired key, a key without an employee, and a key whose employee no longer
    /// works get an empty set. The result is never truncated: check `fitsOnKey` before issuing.
    /// - Parameter shift: the shift; it must have an end.
    public func effectivePermissions(of key: KeyID, during shift: Period) throws -> EffectivePermissions {
        guard let end = shift.end, end > shift.start else {
            throw AccessError(.invalidPeriod, "a shift needs an end after its start")
        }
        return try database.read { connection in
            try Self.effectivePermissions(of: key, from: shift.start, to: end, connection)
        }
    }

    /// The same, inside a caller's transaction (used to recompute after a change).
    static func effectivePermissions(
        of key: KeyID, from start: WallTime, to end: WallTime, _ connection: any SQLConnection
    ) throws -> EffectivePermissions {
        let sql = connection.dialect == .sqlite ? sqliteQuery : postgresQuery
        let rows = try connection.execute(sql, [.integer(key.rawValue), start.sql, end.sql])
        var windows: [(lockID: String, start: Int64, end: Int64, schedule: WeeklySchedule?)] = []
        windows.reserveCapacity(rows.count)
        for row in rows {
            let text = try row.optionalText("schedule")
            let schedule = try text.map { text in
                guard let schedule = WeeklySchedule(text) else {
                    throw StorageError(.decoding, "a stored schedule is malformed", cause: text)
                }
                return schedule
            }
            windows.append((try row.text("lock_id"), try row.integer("f"), try row.integer("t"), schedule))
        }
        return EffectivePermissions.combining(key: key, shift: Period(start: start, end: end), rows: windows)
    }

    private static let sqliteQuery = query(greatest: "max", least: "min")
    private static let postgresQuery = query(greatest: "GREATEST", least: "LEAST")

    /// The query, written once; only the names of the two-argument maximum and minimum differ
    /// between the dialects (every argument is non-null, where both behave alike).
    ///
    /// `$1` is the key, `[$2, $3)` the shift. Each step carries a window `[f, t)` narrowed by the
    /// periods it passes through; a step keeps a row only while the window is non-empty.
    private static func query(greatest hi: String, least lo: String) -> String {
        """
        WITH holder AS (
            SELECT e.id AS employee_id, e.provider_id
            FROM keys k JOIN employees e ON e.id = k.employee_id
            WHERE k.id = $1 AND k.status = 'active' AND e.active = 1
        ),
        reaching AS (
            SELECT g.provider_id, g.recipient_id, \(hi)(g.valid_from, $2) AS f,
                \(lo)(COALESCE(g.valid_to, $3), $3) AS t, g.schedule
            FROM holder h JOIN grants g ON g.employee_id = h.employee_id AND g.provider_id = h.provider_id
            UNION ALL
            SELECT g.provider_id, g.recipient_id, \(hi)(g.valid_from, $2), \(lo)(COALESCE(g.valid_to, $3), $3),
                g.schedule
            FROM holder h JOIN team_members tm ON tm.employee_id = h.employee_id
                JOIN grants g ON g.team_id = tm.team_id AND g.provider_id = h.provider_id
            UNION ALL
            SELECT g.provider_id, g.recipient_id, \(hi)(g.valid_from, $2), \(lo)(COALESCE(g.valid_to, $3), $3),
                g.schedule
            FROM holder h JOIN grants g ON g.provider_id = h.provider_id
            WHERE g.employee_id IS NULL AND g.team_id IS NULL
        ),
        visits AS (
            SELECT rp.recipient_id, \(hi)(r.f, rp.valid_from) AS f, \(lo)(r.t, COALESCE(rp.valid_to, $3)) AS t,
                r.schedule
            FROM reaching r JOIN recipient_providers rp
                ON rp.recipient_id = r.recipient_id AND rp.provider_id = r.provider_id
            WHERE r.f < r.t AND rp.valid_from < r.t AND COALESCE(rp.valid_to, $3) > r.f
            UNION ALL
            SELECT rp.recipient_id, \(hi)(r.f, rp.valid_from), \(lo)(r.t, COALESCE(rp.valid_to, $3)), r.schedule
            FROM reaching r JOIN recipient_providers rp ON rp.provider_id = r.provider_id
            WHERE r.recipient_id IS NULL AND r.f < r.t AND rp.valid_from < r.t AND COALESCE(rp.valid_to, $3) > r.f
            UNION ALL
            SELECT eg.recipient_id, \(hi)(eg.valid_from, $2), \(lo)(eg.valid_to, $3), NULL
            FROM holder h JOIN emergency_grants eg ON eg.employee_id = h.employee_id
            WHERE eg.recipient_id IS NOT NULL AND eg.valid_from < $3 AND eg.valid_to > $2
        ),
        door_access AS (
            SELECT o.door_id, \(hi)(v.f, o.valid_from) AS f, \(lo)(v.t, COALESCE(o.valid_to, $3)) AS t, v.schedule
            FROM visits v JOIN occupancies o ON o.recipient_id = v.recipient_id
            WHERE o.valid_from < v.t AND COALESCE(o.valid_to, $3) > v.f
            UNION ALL
            SELECT eg.door_id, \(hi)(eg.valid_from, $2), \(lo)(eg.valid_to, $3), NULL
            FROM holder h JOIN emergency_grants eg ON eg.employee_id = h.employee_id
            WHERE eg.door_id IS NOT NULL AND eg.valid_from < $3 AND eg.valid_to > $2
        ),
        all_doors AS (
            SELECT door_id, f, t, schedule FROM door_access
            UNION ALL
            SELECT en.id, da.f, da.t, da.schedule
            FROM door_access da JOIN doors ap ON ap.id = da.door_id AND ap.kind = 'apartment'
                JOIN doors en ON en.building_id = ap.building_id AND en.kind = 'entrance'
            UNION ALL
            SELECT d.id, \(hi)(a.valid_from, $2), \(lo)(COALESCE(a.valid_to, $3), $3), a.schedule
            FROM holder h JOIN area_grants a ON a.employee_id = h.employee_id
                JOIN buildings b ON b.district_id = a.district_id
                JOIN doors d ON d.building_id = b.id
            WHERE a.valid_from < $3 AND COALESCE(a.valid_to, $3) > $2
        )
        SELECT DISTINCT li.lock_id, \(hi)(ad.f, li.installed_at) AS f, \(lo)(ad.t, COALESCE(li.removed_at, $3)) AS t,
            ad.schedule
        FROM all_doors ad JOIN lock_installations li ON li.door_id = ad.door_id
        WHERE ad.f < ad.t AND li.installed_at < ad.t AND COALESCE(li.removed_at, $3) > ad.f
        """
    }
}
