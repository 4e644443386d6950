import Authorization
import Storage

/// Generates a city at the scale of a large Swedish municipality straight into the tables, in
/// one transaction of multi-row inserts: going through the store's one-change-per-transaction
/// methods would measure commit latency for minutes instead of the queries that matter.
///
/// The shape: providers of very different sizes in two or three districts each, one apartment
/// door per home recipient plus entrances in most buildings, route teams and individual grants
/// by day, a night-patrol team per provider with an all-recipients grant, and a few central
/// night patrols with area grants over one to three districts. The station benchmark asks for
/// another grant structure over the same city (``Shape/morningRounds(wideKeys:)``).
public struct BenchCity {
    /// Care providers.
    public static let providers = 80
    /// Districts.
    public static let districts = 12
    /// Buildings.
    public static let buildings = 10_000
    /// Buildings with an entrance lock.
    public static let entrances = 9_000
    /// Apartment doors, each with a lock.
    public static let apartments = 15_000
    /// Care recipients.
    public static let recipients = 16_000
    /// Employees of the providers, about.
    public static let staff = 7_000

    /// Whose access the city's grants give.
    public enum Shape: Sendable {
        /// The effective-permission benchmark's: individual and route-team grants by day,
        /// provider night patrols and three central area patrols by night.
        case authorizationBench
        /// The station benchmark's: every employee in a round team of ten whose grant covers about
        /// a hundred of its provider's recipients by day (about 200 locks a key), plus `wideKeys`
        /// extra employees with area grants over two districts at all hours (about 4,000 locks).
        case morningRounds(wideKeys: Int)
    }

    /// The grant structure generated.
    public let shape: Shape
    /// Whether lock ids are the protocol's 16 bytes as 32 hex digits, which credentials need,
    /// rather than `LK<n>`.
    public let hexLockIDs: Bool

    /// Employees whose only access is their own individual grants (about 20 locks).
    public var individualOnly: [Int64] = []
    /// One night-patrol employee per provider (their provider's all-recipients grant).
    public var nightPatrol: [Int64] = []
    /// Central night patrols with area grants over one, two and three districts.
    public var areaPatrol: [Int64] = []
    /// In the morning-rounds shape, the employees in round teams (about 200 locks each).
    public var roundStaff: [Int64] = []
    /// In the morning-rounds shape, the employees with two districts' area grants.
    public var wideStaff: [Int64] = []
    /// Each employee's provider. An employee's key has the employee's id and serial `KEY<id>`.
    public var providerOfEmployee: [Int64: String] = [:]
    /// Recipients living in buildings with an entrance lock.
    public var recipientsWithEntrance: [Int64] = []
    /// The providers serving each district.
    public var providersByDistrict: [Int64: [String]] = [:]
    /// Each recipient's current provider.
    public var providerOf: [Int64: String] = [:]
    /// Each recipient's district.
    public var districtOf: [Int64: Int64] = [:]

    var rng = BenchRandom(seed: 2026)
    private var rows: [String: (table: String, values: [String])] = [:]
    private var tableOrder: [String] = []

    /// A city of `shape`, not generated yet.
    public init(shape: Shape = .authorizationBench, hexLockIDs: Bool = false) {
        self.shape = shape
        self.hexLockIDs = hexLockIDs
    }

    /// The id of provider number `index`.
    public static func provider(_ index: Int) -> String { "p\(index)" }

    /// The serial of the key of `employee`.
    public static func keySerial(_ employee: Int64) -> String { "KEY\(employee)" }

    /// Builds the city into `database`, which must be migrated and empty.
    public mutating func generate(into database: any Database, now: Int64) throws {
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
            let id = hexLockIDs ? Self.hex(lockSerial) : "LK\(lockSerial)"
            return ["'\(id)'", "\(door)", "\(now - year)"]
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
        if case .morningRounds(let wideKeys) = shape {
            addMorningRounds(recipientsOf: recipientsOf, wideKeys: wideKeys, now: now)
        }
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
        var grants = true
        if case .morningRounds = shape { grants = false }
        for index in 0..<Self.providers {
            let provider = Self.provider(index)
            let served = recipientsOf[provider] ?? []
            let count = max(4, Self.staff * served.count / Self.recipients)
            guard grants else {
                for position in 0..<count {
                    employee += 1
                    addEmployee(employee, provider: provider, number: "\(position)", now: now)
                }
                continue
            }
            team += 1
            let night = team
            add("teams", "id, provider_id, name", ["\(night)", "'\(provider)'", "'night'"])
            add(
                "grants", "provider_id, team_id, valid_from, schedule_id, created_at",
                ["'\(provider)'", "\(night)", "\(now - 86_400_000)", "\(nightShift)", "\(now)"])
            var routeTeam: Int64 = 0
            for position in 0..<count {
                employee += 1
                addEmployee(employee, provider: provider, number: "\(position)", now: now)
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
        guard grants else { return }
        for districtCount in 1...3 {
            employee += 1
            areaPatrol.append(employee)
            add(
                "employees", "id, provider_id, employee_number, display_name",
                ["\(employee)", "'p0'", "'area\(districtCount)'", "'Area patrol'"])
            add(
                "keys", "id, serial, provider_id, status, employee_id, status_changed_at",
                ["\(employee)", "'KEY\(employee)'", "'p0'", "'active'", "\(employee)", "\(now)"])
            providerOfEmployee[employee] = "p0"
            for district in 1...districtCount {
                add(
                    "area_grants", "employee_id, district_id, valid_from, schedule_id, created_at",
                    ["\(employee)", "\(district)", "\(now - 86_400_000)", "\(nightShift)", "\(now)"])
            }
        }
    }

    /// Queues an employee of `provider` with a key of the same id, handed to them at `now`.
    mutating func addEmployee(_ employee: Int64, provider: String, number: String, now: Int64) {
        add(
            "employees", "id, provider_id, employee_number, display_name",
            ["\(employee)", "'\(provider)'", "'\(number)'", "'Staff \(number)'"])
        add(
            "keys", "id, serial, provider_id, status, employee_id, status_changed_at",
            ["\(employee)", "'\(Self.keySerial(employee))'", "'\(provider)'", "'active'", "\(employee)", "\(now)"])
        add("key_assignments", "key_id, employee_id, valid_from", ["\(employee)", "\(employee)", "\(now)"])
        providerOfEmployee[employee] = provider
    }

    /// The protocol lock id for lock number `serial`: 32 lowercase hex digits.
    static func hex(_ serial: Int) -> String {
        let digits = String(serial, radix: 16)
        return String(repeating: "0", count: 32 - digits.count) + digits
    }

    /// Queues a row; rows are grouped by table and column list, and groups are written in the
    /// order first seen, which is the order the foreign keys need.
    mutating func add(_ table: String, _ columns: String, _ values: [String]) {
        let group = table + " (" + columns + ")"
        if rows[group] == nil {
            rows[group] = (table, [])
            tableOrder.append(group)
        }
        rows[group]!.values.append("(" + values.joined(separator: ", ") + ")")
    }

    /// Writes every table in one transaction, 500 rows per statement, then moves the identity
    /// sequences past the explicit ids on PostgreSQL and analyses the tables.
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
        try database.write { connection in
            let listing =
                connection.dialect == .postgres
                ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            for row in try connection.execute(listing) {
                let table = try row.text("name")
                guard !Self.trafficTables.contains(table) else { continue }
                try connection.execute("ANALYZE \(table)")
            }
        }
    }

    /// Tables that station traffic fills, empty in a new city. They are not analysed: statistics
    /// taken while they are empty would say they stay empty, and PostgreSQL's cached generic
    /// plans for their lookups would scan them whole until autovacuum analysed them again, which a
    /// city in service, whose tables hold months of traffic, never sees.
    static let trafficTables: Set<String> = [
        "event_findings", "event_key_identities", "event_report_entries", "key_events", "key_public_keys",
        "lock_event_chains", "lock_events", "station_nonces", "stations",
    ]
}

/// A seeded generator, so every run builds the same city.
public struct BenchRandom: Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits (SplitMix64).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number below `bound`.
    public mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }

    /// An index below `count` where small indexes are much likelier, so provider sizes differ.
    public mutating func skewed(_ count: Int) -> UInt64 {
        let uniform = Double(next() % 1_000_000) / 1_000_000
        return UInt64(Double(count) * uniform * uniform)
    }
}
