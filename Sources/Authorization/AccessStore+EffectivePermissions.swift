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
            try effectivePermissions(of: key, from: shift.start, to: end, connection)
        }
    }

    /// The same, inside a caller's transaction (used to recompute after a change).
    func effectivePermissions(
        of key: KeyID, from start: WallTime, to end: WallTime, _ connection: any SQLConnection
    ) throws -> EffectivePermissions {
        if connection.dialect == .postgres {
            // Planning this query takes PostgreSQL longer (about 13 ms) than running it, and its
            // heuristic keeps re-planning per call because the generic plan's estimate looks
            // worse; the plan hardly depends on the values (one key, one shift), so reuse it.
            // Parallel workers cost more to start than the whole query takes. Both settings
            // last for this transaction only.
            try connection.execute(
                """
                SELECT set_config('plan_cache_mode', 'force_generic_plan', true),
                    set_config('max_parallel_workers_per_gather', '0', true),
                    set_config('join_collapse_limit', '1', true), set_config('from_collapse_limit', '1', true),
                    set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)
                """)
        }
        // Rows are taken as they are read rather than collected first: for a key with thousands
        // of locks, building every row value before using it was about a fifth of the call.
        var sources: [LockPermission] = []
        var schedules = ScheduleLookup(cache: scheduleCache, connection: connection)
        try connection.forEachRow(Self.query, [.integer(key.rawValue), start.sql, end.sql]) { row in
            // Positional access: the select list is lock_id, f, t, schedule (a schedule id).
            guard row.values.count == 4, case .text(let lockID) = row.values[0],
                case .integer(let from) = row.values[1],
                case .integer(let to) = row.values[2]
            else { throw StorageError(.decoding, "the effective-permission query returned an unexpected row") }
            var schedule: WeeklySchedule?
            if case .integer(let id) = row.values[3] { schedule = try schedules.schedule(id) }
            let window = PermissionWindow(
                start: WallTime(millisecondsSinceEpoch: from), end: WallTime(millisecondsSinceEpoch: to),
                schedule: schedule)
            sources.append(LockPermission(lockID: lockID, windows: [window]))
        }
        return EffectivePermissions.combining(key: key, shift: Period(start: start, end: end), sources: consume sources)
    }

    /// The active keys whose permissions may change when `recipient` changes provider: keys of
    /// employees reached by a grant, of any provider serving the recipient now or later, that
    /// targets the recipient or all the provider's recipients. The sync station recomputes
    /// these keys; area and emergency grants do not depend on the provider.
    ///
    /// - Important: ask before recording a change dated now: once it is recorded, the old
    ///   provider no longer serves the recipient and its keys are not listed.
    public func keysAffected(byProviderChangeOf recipient: RecipientID) throws -> [KeyID] {
        let now = clock()
        return try database.read { connection in
            try connection.execute(
                """
                WITH providers AS (
                    SELECT provider_id FROM recipient_providers
                    WHERE recipient_id = $1 AND (valid_to IS NULL OR valid_to > $2)
                ),
                relevant AS (
                    SELECT g.provider_id, g.employee_id, g.team_id
                    FROM providers p JOIN grants g ON g.provider_id = p.provider_id AND g.recipient_id = $1
                    WHERE g.valid_to IS NULL OR g.valid_to > $2
                    UNION
                    SELECT g.provider_id, g.employee_id, g.team_id
                    FROM providers p JOIN grants g ON g.provider_id = p.provider_id AND g.recipient_id IS NULL
                    WHERE g.valid_to IS NULL OR g.valid_to > $2
                ),
                reached AS (
                    SELECT employee_id FROM relevant WHERE employee_id IS NOT NULL
                    UNION
                    SELECT tm.employee_id FROM relevant r JOIN team_members tm ON tm.team_id = r.team_id
                    UNION
                    SELECT e.id FROM relevant r JOIN employees e ON e.provider_id = r.provider_id
                    WHERE r.employee_id IS NULL AND r.team_id IS NULL
                )
                SELECT DISTINCT k.id FROM reached r JOIN keys k ON k.employee_id = r.employee_id
                WHERE k.status = 'active' ORDER BY k.id
                """, [.integer(recipient.rawValue), now.sql]
            ).map { KeyID(try $0.integer("id")) }
        }
    }

    /// The effective-permission query, the same text on both backends, for tools that print its
    /// query plan. Parameters: `$1` the key id, `$2` and `$3` the shift's start and end.
    public static var effectivePermissionsSQL: String { query }

    /// The query, written once for both backends.
    ///
    /// `$1` is the key, `[$2, $3)` the shift. Each step carries a window `[f, t)` narrowed by the
    /// periods it passes through; a step keeps a row only while the window is non-empty.
    ///
    /// Joins are written `CROSS JOIN … WHERE` on purpose: SQLite then keeps the written order,
    /// starting from the one key and walking outwards through indexes, instead of guessing the
    /// size of a materialised step and scanning a whole table from the other end. PostgreSQL
    /// plans a `CROSS JOIN` with a `WHERE` like any inner join. Steps are `NOT MATERIALIZED`:
    /// a materialised step hides its size (one row for the key) from SQLite's planner, which
    /// then builds Bloom filters by reading all of `grants` or `doors` on every call.
    ///
    /// What a key with thousands of locks costs, measured on the benchmark city:
    /// - Area grants are their own branch of the last step, from the grant through the
    ///   district's buildings and doors straight to the locks. `areas` is the one
    ///   `MATERIALIZED` step: it is the outer loop of that branch and holds a row per area
    ///   grant, so each grant's window is worked out once instead of once per door (SQLite
    ///   substitutes an unmaterialised step's expressions into every row), and the written
    ///   order still searches buildings, doors and locks by index.
    /// - There is no `ORDER BY`: sorting 4,000 rows was a fifth of SQLite's work, and
    ///   PostgreSQL may sort text by a locale. `EffectivePermissions.combining` sorts in Swift.
    /// - `later` and `earlier` are `CASE` expressions, not SQLite's `max()` and `min()`, which
    ///   are function calls per row.
    private static let query =
        """
        WITH holder AS NOT MATERIALIZED (
            SELECT e.id AS employee_id, e.provider_id
            FROM keys k CROSS JOIN employees e
            WHERE k.id = $1 AND k.status = 'active' AND e.id = k.employee_id AND e.active = 1
        ),
        reaching AS NOT MATERIALIZED (
            SELECT g.provider_id, g.recipient_id, \(later("g.valid_from", "$2")) AS f,
                \(earlier("g.valid_to", "$3")) AS t, g.schedule_id AS schedule
            FROM holder h CROSS JOIN grants g
            WHERE g.employee_id = h.employee_id AND g.provider_id = h.provider_id
            UNION ALL
            SELECT g.provider_id, g.recipient_id, \(later("g.valid_from", "$2")), \(earlier("g.valid_to", "$3")),
                g.schedule_id
            FROM holder h CROSS JOIN team_members tm CROSS JOIN grants g
            WHERE tm.employee_id = h.employee_id AND g.team_id = tm.team_id AND g.provider_id = h.provider_id
            UNION ALL
            SELECT g.provider_id, g.recipient_id, \(later("g.valid_from", "$2")), \(earlier("g.valid_to", "$3")),
                g.schedule_id
            FROM holder h CROSS JOIN grants g
            WHERE g.provider_id = h.provider_id AND g.employee_id IS NULL AND g.team_id IS NULL
        ),
        visits AS NOT MATERIALIZED (
            SELECT rp.recipient_id, \(later("r.f", "rp.valid_from")) AS f, \(earlier("rp.valid_to", "r.t")) AS t,
                r.schedule
            FROM reaching r CROSS JOIN recipient_providers rp
            WHERE r.recipient_id IS NOT NULL AND rp.recipient_id = r.recipient_id AND rp.provider_id = r.provider_id
                AND r.f < r.t AND rp.valid_from < r.t AND COALESCE(rp.valid_to, $3) > r.f
            UNION ALL
            SELECT rp.recipient_id, \(later("r.f", "rp.valid_from")), \(earlier("rp.valid_to", "r.t")), r.schedule
            FROM reaching r CROSS JOIN recipient_providers rp
            WHERE r.recipient_id IS NULL AND rp.provider_id = r.provider_id
                AND r.f < r.t AND rp.valid_from < r.t AND COALESCE(rp.valid_to, $3) > r.f
            UNION ALL
            SELECT eg.recipient_id, \(later("eg.valid_from", "$2")), \(earlier("eg.valid_to", "$3")), NULL
            FROM holder h CROSS JOIN emergency_grants eg
            WHERE eg.employee_id = h.employee_id AND eg.recipient_id IS NOT NULL
                AND eg.valid_from < $3 AND eg.valid_to > $2
        ),
        door_access AS NOT MATERIALIZED (
            SELECT o.door_id, \(later("v.f", "o.valid_from")) AS f, \(earlier("o.valid_to", "v.t")) AS t, v.schedule
            FROM visits v CROSS JOIN occupancies o
            WHERE o.recipient_id = v.recipient_id AND o.valid_from < v.t AND COALESCE(o.valid_to, $3) > v.f
            UNION ALL
            SELECT eg.door_id, \(later("eg.valid_from", "$2")), \(earlier("eg.valid_to", "$3")), NULL
            FROM holder h CROSS JOIN emergency_grants eg
            WHERE eg.employee_id = h.employee_id AND eg.door_id IS NOT NULL AND eg.valid_from < $3 AND eg.valid_to > $2
        ),
        all_doors AS NOT MATERIALIZED (
            SELECT door_id, f, t, schedule FROM door_access
            UNION ALL
            SELECT en.id, da.f, da.t, da.schedule
            FROM door_access da CROSS JOIN doors ap CROSS JOIN doors en
            WHERE ap.id = da.door_id AND ap.kind = 'apartment' AND en.building_id = ap.building_id
                AND en.kind = 'entrance'
        ),
        areas AS MATERIALIZED (
            SELECT a.district_id, \(later("a.valid_from", "$2")) AS f, \(earlier("a.valid_to", "$3")) AS t,
                a.schedule_id AS schedule
            FROM holder h CROSS JOIN area_grants a
            WHERE a.employee_id = h.employee_id AND a.valid_from < $3 AND COALESCE(a.valid_to, $3) > $2
        )
        SELECT li.lock_id, \(later("li.installed_at", "ad.f")) AS f, \(earlier("li.removed_at", "ad.t")) AS t,
            ad.schedule
        FROM all_doors ad CROSS JOIN lock_installations li
        WHERE li.door_id = ad.door_id AND ad.f < ad.t
            AND li.installed_at < ad.t AND (li.removed_at IS NULL OR li.removed_at > ad.f)
        UNION ALL
        SELECT li.lock_id, \(later("li.installed_at", "ar.f")), \(earlier("li.removed_at", "ar.t")), ar.schedule
        FROM areas ar CROSS JOIN buildings b CROSS JOIN doors d CROSS JOIN lock_installations li
        WHERE b.district_id = ar.district_id AND d.building_id = b.id
            AND li.door_id = d.id AND li.installed_at < ar.t AND (li.removed_at IS NULL OR li.removed_at > ar.f)
        """

    /// The later of two times as SQL, the same on both backends (SQLite has no `GREATEST`);
    /// neither may be `NULL`.
    private static func later(_ first: String, _ second: String) -> String {
        "CASE WHEN \(first) > \(second) THEN \(first) ELSE \(second) END"
    }

    /// The earlier of two times as SQL. `first` may be `NULL`, an open end: the comparison is
    /// then unknown and the result is `second`, which spares a `COALESCE` per row.
    private static func earlier(_ first: String, _ second: String) -> String {
        "CASE WHEN \(first) < \(second) THEN \(first) ELSE \(second) END"
    }
}
