import Authorization
import Storage

/// One building with a shared entrance and two apartments, two providers with a recipient each,
/// and a few employees with keys: small enough that a test states its expectation by lock id.
///
/// Locks: `E1` on the entrance, `A1` on apartment 1 (recipient r1, served by `norr`), `A2` on
/// apartment 2 (recipient r2, served by `soder`), and `C1` on an empty third apartment.
/// "Now" is day 10.
struct Fixture {
    let store: AccessStore
    let clock = TestClock(Day.at(10))
    let district: DistrictID
    let building: BuildingID
    let entrance: DoorID
    let apartment1: DoorID
    let apartment2: DoorID
    let apartment3: DoorID
    let r1: RecipientID
    let r2: RecipientID
    /// Day staff of `norr`.
    let anna: EmployeeID
    /// Night patrol of `norr`, member of `nightTeam`.
    let nils: EmployeeID
    /// Day staff of `soder`.
    let bo: EmployeeID
    let nightTeam: TeamID
    let annasKey: KeyID
    let nilsKey: KeyID
    let bosKey: KeyID

    init(_ database: any Database) throws {
        try Migrator(migrations: AuthorizationSchema.migrations).migrate(database)
        store = AccessStore(database: database, clock: clock.source)
        try store.createOrganisation(id: "central", kind: .central, name: "Central unit")
        try store.createOrganisation(id: "norr", kind: .provider, name: "Hemtjänst Norr")
        try store.createOrganisation(id: "soder", kind: .provider, name: "Omsorg Söder")
        district = try store.createDistrict(name: "Centrum")
        building = try store.createBuilding(address: "Storgatan 1", district: district)
        entrance = try store.addDoor(to: building, kind: .entrance, label: "entrance")
        apartment1 = try store.addDoor(to: building, kind: .apartment, label: "1 tr")
        apartment2 = try store.addDoor(to: building, kind: .apartment, label: "2 tr")
        apartment3 = try store.addDoor(to: building, kind: .apartment, label: "3 tr")
        for (lock, door) in [("E1", entrance), ("A1", apartment1), ("A2", apartment2), ("C1", apartment3)] {
            try store.installLock(lock, on: door, at: Day.at(0).wall)
        }
        r1 = try store.registerRecipient(alarmCode: "1001", provider: "norr", from: Day.at(0).wall)
        r2 = try store.registerRecipient(alarmCode: "1002", provider: "soder", from: Day.at(0).wall)
        try store.moveIn(r1, door: apartment1, from: Day.at(0).wall)
        try store.moveIn(r2, door: apartment2, from: Day.at(0).wall)
        anna = try store.registerEmployee(provider: "norr", number: "17", displayName: "Anna")
        nils = try store.registerEmployee(provider: "norr", number: "18", displayName: "Nils")
        bo = try store.registerEmployee(provider: "soder", number: "3", displayName: "Bo")
        nightTeam = try store.createTeam(provider: "norr", name: "night")
        try store.addMember(nils, toTeam: nightTeam)
        annasKey = try store.registerKey(provider: "norr", serial: "K-anna")
        nilsKey = try store.registerKey(provider: "norr", serial: "K-nils")
        bosKey = try store.registerKey(provider: "soder", serial: "K-bo")
        try store.assignKey(annasKey, to: anna)
        try store.assignKey(nilsKey, to: nils)
        try store.assignKey(bosKey, to: bo)
    }

    /// A grant from day 0 with no end.
    func grant(
        _ provider: String, _ subject: GrantSubject, _ target: GrantTarget, schedule: WeeklySchedule? = nil
    ) throws -> GrantID {
        try store.grant(
            ProviderGrant(
                provider: provider, subject: subject, target: target, validity: Period(start: Day.at(0).wall),
                schedule: schedule))
    }

    /// The lock ids `key` may open during the 24 hours of day `day`.
    func locks(_ key: KeyID, onDay day: Int) throws -> [String] {
        try permissions(key, onDay: day).permissions.map(\.lockID)
    }

    /// The full result for day `day`.
    func permissions(_ key: KeyID, onDay day: Int) throws -> EffectivePermissions {
        try store.effectivePermissions(of: key, during: Period(start: Day.at(day).wall, end: Day.at(day + 1).wall))
    }
}
