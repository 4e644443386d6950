import Authorization
import Storage

/// Generates a city at the scale of a large Swedish municipality straight into the tables, in
/// one transaction of multi-row inserts: going through the store's one-change-per-transaction
/// methods would measure commit latency for minutes instead of the queries that matter.
///
/// The shape: providers of very different sizes in two or three districts each, one apartment
/// door per home recipient plus entrances in most buildings, route teams and individual grants
/// by day, a night-patrol team per provider with an all-recipients grant, and a few central
/// night patrols with area grants over one to three districts.
struct BenchCity {
    static let providers = 80
    static let districts = 12
    static let buildings = 10_000
    static let entrances = 9_000
    static let apartments = 15_000
    static let recipients = 16_000
    static let staff = 7_000

    /// Employees whose only access is their own individual grants (about 20 locks).
    var individualOnly: [Int64] = []
    /// One night-patrol employee per provider (their provider's all-recipients grant).
    var nightPatrol: [Int64] = []
    /// Central night patrols with area grants over one, two and three districts.
    var areaPatrol: [Int64] = []
    /// Recipients living in buildings with an entrance lock.
    var recipientsWithEntrance: [Int64] = []
    /// The providers serving each district.
    var providersByDistrict: [Int64: [String]] = [:]
    /// Each recipient's current provider.
    var providerOf: [Int64: String] = [:]
    /// Each recipient's district.
    var districtOf: [Int64: Int64] = [:]

    private var rng = BenchRandom(seed: 2026)
    private var rows: [String: (table: String, values: [String])] = [:]
    private var tableOrder: [String] = []

    static func provider(_ index: Int) -> String { "p\(index)" }

    /// Builds the city into `database`, which must be migrated and empty.
    mutating func generate(into database: any Database, now: Int64) throws {
        let year: Int64 = 365 * 86_400_000
        add("organisations", "id, kind, name, created_at", ["'central'", "'central'", "'Central unit'", "\(now)"])
        for index in 0..<Self.providers {
            add(
                "organisations", "id, kind, name, created_at",
                ["'\(Self.provider(index))'", "'provider'", "'Provider \(index)'", "\(now)"])
        }
        for district in 1...Self.districts {
            add("districts", "id, name", ["\(district)", "'District \(district)'"])
        }
        // Provider i works in two or three districts; low indexes are the big providers.
        for index in 0..<Self.providers {
            let count = index % 3 == 0 ? 3 : 2
            for step in 0..<count {
                let district = Int64((index * 5 + step * 4) % Self.districts + 1)
                guard !(providersByDistrict[district] ?? []).contains(Self.provider(index)) else { continue }
                providersByDistrict[district, default: []].append(Self.provider(index))
                add("provider_districts", "provider_id, district_id", ["'\(Self.provider(index))'", "\(district)"])
            }
        }

        var lockSerial = 0
        func lock(_ door: Int) -> [String] {
            lockSerial += 1
            return ["'LK\(lockSerial)'", "\(door)", "\(now - year)"]
        }
        for building in 1...Self.buildings {
            add(
                "buildings", "id, address, district_id",
                ["\(building)", "'Street \(building)'", "\(building % Self.districts + 1)"])
        }
        // Doors 1…15 000 are apartments (door j in building j mod 10 000 + 1), then entrances.
        for door in 1...Self.apartments {
            add(
                "doors", "id, building_id, kind, label",
                ["\(door)", "\(door % Self.buildings + 1)", "'apartment'", "'apartment \(door)'"])
            add("lock_installations", "lock_id, door_id, installed_at", lock(door))
        }
        for building in 1...Self.entrances {
            let door = Self.apartments + building
            add("doors", "id, building_id, kind, label", ["\(door)", "\(building)", "'entrance'", "'entrance'"])
            add("lock_installations", "lock_id, door_id, installed_at", lock(door))
        }

        // Recipients: the first 15 000 live behind apartment door of the same number; their
        // provider is one serving the district, skewed towards the big providers.
        var recipientsOf: [String: [Int64]] = [:]
        for recipient in 1...Int64(Self.recipients) {
            let district = (recipient - 1) % Int64(Self.districts) + 1
            let building = recipient <= Int64(Self.apartments) ? recipient % Int64(Self.buildings) + 1 : 0
            let effectiveDistrict = building > 0 ? building % Int64(Self.districts) + 1 : district
            let candidates = providersByDistrict[effectiveDistrict]!
            let provider = candidates[min(candidates.count - 1, Int(rng.skewed(candidates.count)))]
            providerOf[recipient] = provider
            districtOf[recipient] = effectiveDistrict
            recipientsOf[provider, default: []].append(recipient)
            add("recipients", "id, alarm_code, created_at", ["\(recipient)", "'AC\(recipient)'", "\(now - 2 * year)"])
            // A quarter came from another provider earlier: history the queries must skip.
            var start = now - 2 * year
            if recipient % 4 == 0 {
                let earlier = candidates[(candidates.firstIndex(of: provider)! + 1) % candidates.count]
                add(
                    "recipient_providers", "recipient_id, provider_id, valid_from, valid_to",
                    ["\(recipient)", "'\(earlier)'", "\(start)", "\(now - year / 2)"])
                start = now - year / 2
            }
            add(
                "recipient_providers", "recipient_id, provider_id, valid_from, valid_to",
                ["\(recipient)", "'\(provider)'", "\(start)", "NULL"])
            if building > 0 {
                add(
                    "occupancies", "door_id, recipient_id, valid_from",
                    ["\(recipient)", "\(recipient)", "\(now - 2 * year)"])
                if building <= Int64(Self.entrances) { recipientsWithEntrance.append(recipient) }
            }
        }

        try addStaff(recipientsOf: recipientsOf, now: now)
        try flush(into: database)
    }

    private mutating func addStaff(recipientsOf: [String: [Int64]], now: Int64) throws {
        let dayText = WeeklySchedule.daily(0...6, from: 7 * 60, to: 22 * 60).description
        let nightText = WeeklySchedule(
            (0...6).flatMap { [.init(day: $0, start: 22 * 60, end: 1440), .init(day: $0, start: 0, end: 7 * 60)] }
        ).description
        add("schedules", "id, text", ["1", "'\(dayText)'"])
        add("schedules", "id, text", ["2", "'\(nightText)'"])
        let (dayShift, nightShift) = (1, 2)
        var employee: Int64 = 0
        var team: Int64 = 0
        for index in 0..<Self.providers {
            let provider = Self.provider(index)
            let served = recipientsOf[provider] ?? []
            let count = max(4, Self.staff * served.count / Self.recipients)
            team += 1
            let night = team
            add("teams", "id, provider_id, name", ["\(night)", "'\(provider)'", "'night'"])
            add(
                "grants", "provider_id, team_id, valid_from, schedule_id, created_at",
                ["'\(provider)'", "\(night)", "\(now - 86_400_000)", "\(nightShift)", "\(now)"])
            var routeTeam: Int64 = 0
            for position in 0..<count {
                employee += 1
                add(
                    "employees", "id, provider_id, employee_number, display_name",
                    ["\(employee)", "'\(provider)'", "'\(position)'", "'Staff \(position)'"])
                add(
                    "keys", "id, serial, provider_id, status, employee_id, status_changed_at",
                    ["\(employee)", "'KEY\(employee)'", "'\(provider)'", "'active'", "\(employee)", "\(now)"])
                add("key_assignments", "key_id, employee_id, valid_from", ["\(employee)", "\(employee)", "\(now)"])
                // Ten own recipients each, by day.
                for _ in 0..<min(10, served.count) {
                    let recipient = served[Int(rng.below(UInt64(served.count)))]
                    add(
                        "grants", "provider_id, employee_id, recipient_id, valid_from, schedule_id, created_at",
                        [
                            "'\(provider)'", "\(employee)", "\(recipient)", "\(now - 86_400_000)", "\(dayShift)",
                            "\(now)",
                        ])
                }
                switch position % 10 {
                case 0:
                    add("team_members", "team_id, employee_id", ["\(night)", "\(employee)"])
                    if position == 0 { nightPatrol.append(employee) }
                case 1, 2, 3, 4:
                    individualOnly.append(employee)
                default:
                    // Route teams of five, each covering twenty of the provider's recipients.
                    if position % 10 == 5 {
                        team += 1
                        routeTeam = team
                        add("teams", "id, provider_id, name", ["\(routeTeam)", "'\(provider)'", "'route \(position)'"])
                        for _ in 0..<min(20, served.count) {
                            let recipient = served[Int(rng.below(UInt64(served.count)))]
                            add(
                                "grants", "provider_id, team_id, recipient_id, valid_from, schedule_id, created_at",
                                [
                                    "'\(provider)'", "\(routeTeam)", "\(recipient)", "\(now - 86_400_000)",
                                    "\(dayShift)", "\(now)",
                                ])
                        }
                    }
                    add("team_members", "team_id, employee_id", ["\(routeTeam)", "\(employee)"])
                }
            }
        }
        // Central night patrols: employees 1-3 of the biggest provider's night team get area
        // grants; a dedicated employee per district count keeps the sets apart.
        for districtCount in 1...3 {
            employee += 1
            areaPatrol.append(employee)
            add(
                "employees", "id, provider_id, employee_number, display_name",
                ["\(employee)", "'p0'", "'area\(districtCount)'", "'Area patrol'"])
            add(
                "keys", "id, serial, provider_id, status, employee_id, status_changed_at",
                ["\(employee)", "'KEY\(employee)'", "'p0'", "'active'", "\(employee)", "\(now)"])
            for district in 1...districtCount {
                add(
                    "area_grants", "employee_id, district_id, valid_from, schedule_id, created_at",
                    ["\(employee)", "\(district)", "\(now - 86_400_000)", "\(nightShift)", "\(now)"])
            }
        }
    }

    /// Queues a row; rows are grouped by table and column list, and groups are written in the
    /// order first seen, which is the order the foreign keys need.
    private mutating func add(_ table: String, _ columns: String, _ values: [String]) {
        let group = table + " (" + columns + ")"
        if rows[group] == nil {
            rows[group] = (table, [])
            tableOrder.append(group)
        }
        rows[group]!.values.append("(" + values.joined(separator: ", ") + ")")
    }

    /// Writes every table in one transaction, 500 rows per statement, then moves the identity
    /// sequences past the explicit ids on PostgreSQL.
    private func flush(into database: any Database) throws {
        try database.write { connection in
            for group in tableOrder {
                let values = rows[group]!.values
                for start in stride(from: 0, to: values.count, by: 500) {
                    let chunk = values[start..<min(values.count, start + 500)].joined(separator: ",\n")
                    try connection.execute("INSERT INTO \(group) VALUES \(chunk)")
                }
            }
        }
        if database.dialect == .postgres {
            try database.write { connection in
                // Only these tables were given explicit ids; the others let the identity count.
                for table in [
                    "districts", "buildings", "doors", "recipients", "employees", "keys", "teams", "schedules",
                ] {
                    try connection.execute(
                        "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT MAX(id) FROM \(table)))")
                }
            }
        }
        try database.write { try $0.execute("ANALYZE") }
    }
}

/// A seeded generator, so every run builds the same city.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }

    /// An index below `count` where small indexes are much likelier, so provider sizes differ.
    mutating func skewed(_ count: Int) -> UInt64 {
        let uniform = Double(next() % 1_000_000) / 1_000_000
        return UInt64(Double(count) * uniform * uniform)
    }
}
