import Authorization
import Storage

/// A small random city, built in the store and in the in-memory model at once, and changed by
/// random operations that are applied to the model only when the store accepts them.
struct ScenarioCity {
    let store: AccessStore
    let clock: TestClock
    var model = CityModel()
    var rng: SplitMix64
    /// What happened, for the failure message of a scenario.
    var log: [String] = []

    let providers = ["p0", "p1", "p2"]
    var districts: [DistrictID] = []
    var employees: [EmployeeID] = []
    var teams: [TeamID] = []
    var recipients: [RecipientID] = []
    var apartments: [DoorID] = []
    var doors: [DoorID] = []
    var keys: [KeyID] = []
    var grants: [(id: GrantID, provider: String)] = []
    private var serial = 0

    /// The "now" of every scenario: day 10. Operations are dated around it, in the past and future.
    static let now = Day.at(10)

    init(database: any Database, seed: UInt64) throws {
        clock = TestClock(Self.now)
        store = AccessStore(database: database, clock: clock.source)
        rng = SplitMix64(seed: seed)
        try Migrator(migrations: AuthorizationSchema.migrations).migrate(database)
        try buildCity()
    }

    private mutating func buildCity() throws {
        try store.createOrganisation(id: "central", kind: .central, name: "Central unit")
        for provider in providers { try store.createOrganisation(id: provider, kind: .provider, name: provider) }
        for name in ["north", "south"] { districts.append(try store.createDistrict(name: name)) }

        for building in 0..<4 {
            let district = districts.randomElement(using: &rng)!
            let id = try store.createBuilding(address: "Street \(building)", district: district)
            model.buildingDistrict[id.rawValue] = district.rawValue
            for index in 0..<Int.random(in: 1...2, using: &rng) {
                try addDoor(id, kind: .entrance, label: "entrance \(index)")
            }
            for index in 0..<Int.random(in: 2...4, using: &rng) {
                try addDoor(id, kind: .apartment, label: "apartment \(index)")
            }
        }

        var free = apartments.shuffled(using: &rng)
        for index in 0..<7 {
            let provider = providers.randomElement(using: &rng)!
            let start = Day.at(0)
            let id = try store.registerRecipient(alarmCode: "A\(index)", provider: provider, from: start.wall)
            recipients.append(id)
            model.providerRows.append(.init(recipient: id.rawValue, provider: provider, period: .init(from: start)))
            let homes = Int.random(in: 0..<7, using: &rng) == 0 ? 2 : 1
            for _ in 0..<homes where !free.isEmpty {
                let door = free.removeLast()
                try store.moveIn(id, door: door, from: start.wall)
                model.occupancies.append(.init(door: door.rawValue, recipient: id.rawValue, period: .init(from: start)))
            }
        }

        for provider in providers {
            let team = try store.createTeam(provider: provider, name: "route")
            teams.append(team)
            model.teamProvider[team.rawValue] = provider
            for index in 0..<Int.random(in: 2...3, using: &rng) {
                let employee = try store.registerEmployee(
                    provider: provider, number: "\(index)", displayName: "E\(index)")
                employees.append(employee)
                model.employees[employee.rawValue] = .init(provider: provider)
                if Bool.random(using: &rng) {
                    try store.addMember(employee, toTeam: team)
                    model.teamMembers.insert([team.rawValue, employee.rawValue])
                }
                let key = try store.registerKey(provider: provider, serial: nextSerial())
                try store.assignKey(key, to: employee)
                keys.append(key)
                model.keys[key.rawValue] = .init(employee: employee.rawValue)
            }
        }
        log.append("city: \(doors.count) doors, \(recipients.count) recipients, \(employees.count) employees")
    }

    private mutating func addDoor(_ building: BuildingID, kind: AccessStore.DoorKind, label: String) throws {
        let door = try store.addDoor(to: building, kind: kind, label: label)
        doors.append(door)
        if kind == .apartment { apartments.append(door) }
        model.doors[door.rawValue] = .init(building: building.rawValue, isApartment: kind == .apartment)
        guard Int.random(in: 0..<5, using: &rng) > 0 else { return }
        let lock = "L\(door.rawValue)-0"
        let installed = Day.at(Int.random(in: 0...3, using: &rng))
        try store.installLock(lock, on: door, at: installed.wall)
        model.installations.append(.init(lock: lock, door: door.rawValue, period: .init(from: installed)))
    }

    mutating func nextSerial() -> String {
        serial += 1
        return "K\(serial)"
    }

    /// A moment between day 1 and day 19, on the hour.
    mutating func randomTime() -> Int64 {
        Day.at(Int.random(in: 1...19, using: &rng), Int.random(in: 0...23, using: &rng))
    }

    /// Half the time no end; otherwise an end between one hour and six days later.
    mutating func randomPeriod() -> CityModel.Dated {
        let start = Day.at(Int.random(in: 0...15, using: &rng), Int.random(in: 0...23, using: &rng))
        guard Bool.random(using: &rng) else { return .init(from: start) }
        return .init(from: start, to: start + Int64(Int.random(in: 1...144, using: &rng)) * Day.hour)
    }

    /// Half the time no schedule; otherwise one to three ranges on quarter hours.
    mutating func randomSchedule() -> WeeklySchedule? {
        guard Bool.random(using: &rng) else { return nil }
        return WeeklySchedule(
            (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                let start = Int.random(in: 0..<90, using: &rng) * 15
                let end = min(1440, start + Int.random(in: 1...40, using: &rng) * 15)
                return .init(day: Int.random(in: 0...6, using: &rng), start: start, end: end)
            })
    }

    /// Runs `change` against the store; records whether it was accepted. A refusal (an
    /// `AccessError`) is an outcome, any other error fails the scenario.
    mutating func attempt(_ description: String, _ change: (AccessStore) throws -> Void) throws -> Bool {
        do {
            try change(store)
            log.append(description)
            return true
        } catch let error as AccessError {
            log.append("refused \(description): \(error.code.rawValue)")
            return false
        }
    }
}
