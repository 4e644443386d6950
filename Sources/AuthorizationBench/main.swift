// Benchmark of effective permissions on a generated city at the scale of a large municipality,
// on SQLite and, when PORTVAKT_TEST_POSTGRES_URL names a server, on PostgreSQL.
// Run through scripts/bench-authorization (release build).

import Authorization
import BenchSupport
import Foundation
import Observability
import PortvaktTesting
import SQLiteStorage
import Storage

let runs = Int(ProcessInfo.processInfo.environment["PORTVAKT_BENCH_RUNS"] ?? "") ?? 200

/// Picks, among `candidates`, the key whose set is closest to `target` locks.
func closest(to target: Int, among candidates: [Int64], store: AccessStore, shift: Period) throws -> (KeyID, Int) {
    var best: (KeyID, Int)?
    for candidate in candidates {
        let count = try store.effectivePermissions(of: KeyID(candidate), during: shift).lockCount
        if best == nil || abs(count - target) < abs(best!.1 - target) { best = (KeyID(candidate), count) }
    }
    return best!
}

/// Runs `body` on a fresh database of `backend`; `PORTVAKT_BENCH_SQLITE_PATH` keeps the SQLite
/// city at that path for inspection with the sqlite3 shell.
func withBenchDatabase(_ backend: TestBackend, _ body: (any Database) throws -> Void) throws {
    if backend == .sqlite, let path = ProcessInfo.processInfo.environment["PORTVAKT_BENCH_SQLITE_PATH"] {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let database = try SQLiteDatabase(path: path)
        defer { database.close() }
        try body(database)
    } else {
        try backend.withDatabase { test in try body(test.database) }
    }
}

func bench(_ backend: TestBackend) throws {
    try withBenchDatabase(backend) { database in
        let clock = ContinuousClock()
        let now = WallTime.now().millisecondsSinceEpoch
        try Migrator(migrations: AuthorizationSchema.migrations).migrate(database)
        var city = BenchCity()
        let generation = try clock.measure { try city.generate(into: database, now: now) }
        print("\n\(backend): city generated in \(format(generation.milliseconds / 1000, digits: 1, width: 0)) s")

        let store = AccessStore(database: database)
        // A shift that starts a minute from now, so a provider change dated now lies before it.
        let shift = Period(
            start: WallTime(millisecondsSinceEpoch: now + 60_000),
            end: WallTime(millisecondsSinceEpoch: now + 36_000_000))
        let picks = [
            (
                "~20 (individual grants)",
                try closest(to: 20, among: Array(city.individualOnly.prefix(200)), store: store, shift: shift)
            ),
            ("~200 (provider night patrol)", try closest(to: 200, among: city.nightPatrol, store: store, shift: shift)),
            ("~4,000 (area, 2 districts)", try closest(to: 4_000, among: city.areaPatrol, store: store, shift: shift)),
        ]

        if ProcessInfo.processInfo.environment["PORTVAKT_BENCH_EXPLAIN"] == "1" {
            try explain(picks.map(\.1.0), database: database, shift: shift)
            // Where a 4,000-lock call's time goes: the query alone (counted in SQL), then with each
            // row's values read, then with every row collected, against the whole call below.
            let empty = try Measurement.of(runs: 50) { _ = try database.read { try $0.execute("SELECT 1") } }
            let sql = AccessStore.effectivePermissionsSQL
            let parameters: [SQLValue] = [.integer(picks[2].1.0.rawValue), shift.start.sql, shift.end!.sql]
            let counted = try Measurement.of(runs: 50) {
                _ = try database.read { try $0.execute("SELECT count(*) AS n FROM (" + sql + ") x", parameters) }
            }
            let streamed = try Measurement.of(runs: 50) {
                try database.read { try $0.forEachRow(sql, parameters) { _ in } }
            }
            let collected = try Measurement.of(runs: 50) { _ = try database.read { try $0.execute(sql, parameters) } }
            print(
                "4,000 key, p50 ms: count only \(format(counted.percentile(0.5), width: 0)), rows streamed "
                    + "\(format(streamed.percentile(0.5), width: 0)), rows collected "
                    + "\(format(collected.percentile(0.5), width: 0)); empty read \(format(empty.percentile(0.5), width: 0))"
            )
        }
        print("key                                locks   fits     p50 ms     p99 ms     max ms")
        for (label, (key, count)) in picks {
            var fits = true
            let measurement = try Measurement.of(runs: runs) {
                fits = try store.effectivePermissions(of: key, during: shift).fitsOnKey
            }
            print(
                label.padding(34) + pad("\(count)", 6) + pad(fits ? "yes" : "NO", 7)
                    + format(measurement.percentile(0.5), width: 11) + format(measurement.percentile(0.99), width: 11)
                    + format(measurement.samples.max() ?? .nan, width: 11))
        }
        let over = try store.effectivePermissions(of: KeyID(city.areaPatrol.last!), during: shift)
        if let message = over.overCapacityMessage { print("over capacity (area, 3 districts): \(message)") }

        try benchProviderChanges(city: city, store: store, shift: shift)
    }
}

/// Changes the provider of recipients with an entrance lock, then recomputes every affected key,
/// and checks that the old provider's keys lost the apartment door.
func benchProviderChanges(city: BenchCity, store: AccessStore, shift: Period) throws {
    let clock = ContinuousClock()
    var measurement = Measurement()
    var affectedTotal = 0
    var stillOpen = 0
    let chosen = stride(from: 0, to: city.recipientsWithEntrance.count, by: city.recipientsWithEntrance.count / 50)
        .map { city.recipientsWithEntrance[$0] }
    for recipient in chosen {
        let old = city.providerOf[recipient]!
        let candidates = city.providersByDistrict[city.districtOf[recipient]!]!
        let new = candidates.first { $0 != old } ?? (old == "p0" ? "p1" : "p0")
        let elapsed = try clock.measure {
            let affected = try store.keysAffected(byProviderChangeOf: RecipientID(recipient))
            try store.changeProvider(of: RecipientID(recipient), to: new, effective: .now())
            for key in affected {
                let permissions = try store.effectivePermissions(of: key, during: shift)
                if permissions.permissions.contains(where: { $0.lockID == "LK\(recipient)" }) { stillOpen += 1 }
            }
            affectedTotal += affected.count
        }
        measurement.samples.append(elapsed.milliseconds)
    }
    print(
        "provider change with entrance access, end to end (\(chosen.count) recipients, "
            + "\(affectedTotal / max(1, chosen.count)) affected keys on average):")
    print(
        "  p50 \(format(measurement.percentile(0.5), width: 0)) ms, p99 \(format(measurement.percentile(0.99), width: 0)) ms, "
            + "max \(format(measurement.samples.max() ?? .nan, width: 0)) ms; "
            + "affected keys still opening the old apartment door: \(stillOpen)")
}

/// Prints the query plan of the effective-permission query for each picked key.
func explain(_ keys: [KeyID], database: any Database, shift: Period) throws {
    let sql = AccessStore.effectivePermissionsSQL
    let prefix = database.dialect == .sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, COSTS OFF) "
    for key in keys.prefix(1) {
        let rows = try database.read { connection in
            guard connection.dialect == .postgres else {
                return try connection.execute(
                    prefix + sql, [.integer(key.rawValue), shift.start.sql, (shift.end ?? shift.start).sql])
            }
            try connection.execute("PREPARE effective(bigint, bigint, bigint) AS " + sql)
            try connection.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            try connection.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            try connection.execute("SET LOCAL join_collapse_limit = 1")
            try connection.execute("SET LOCAL from_collapse_limit = 1")
            try connection.execute("SET LOCAL enable_hashjoin = off")
            try connection.execute("SET LOCAL enable_mergejoin = off")
            let arguments =
                "\(key.rawValue), \(shift.start.millisecondsSinceEpoch), \((shift.end ?? shift.start).millisecondsSinceEpoch)"
            return try connection.execute("EXPLAIN (ANALYZE, COSTS OFF) EXECUTE effective(" + arguments + ")")
        }
        for row in rows { print(row.values.map { "\($0)" }.joined(separator: " | ")) }
    }
}

extension WallTime {
    var sql: SQLValue { .integer(millisecondsSinceEpoch) }
}

extension String {
    /// The string left-aligned in `width` columns.
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

print(
    "Portvakt effective-permission benchmark: \(BenchCity.recipients) recipients, \(BenchCity.staff) staff, "
        + "\(BenchCity.providers) providers, \(BenchCity.buildings) buildings, \(BenchCity.apartments + BenchCity.entrances) locks; "
        + "\(runs) timed runs per key after 20 untimed")
for backend in TestBackend.all {
    try bench(backend)
}
