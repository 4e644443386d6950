import Authorization
import Observability
import Storage

/// A small invented city for `portvakt demo`: districts, buildings with entrance and apartment
/// locks, recipients known by alarm code, each provider's staff, keys, teams and grants.
///
/// Everything is marked as demo data: addresses are on invented streets, alarm codes start with
/// `DEMO-`, and lock identities with `de`. Seeding again once the city exists changes nothing.
public enum DemoCity {
    /// What one seeding added, for the demo's start-up summary.
    public struct Summary: Sendable, Equatable {
        /// Buildings added.
        public var buildings = 0
        /// Locks installed.
        public var locks = 0
        /// Recipients registered.
        public var recipients = 0
        /// Employees registered, each with a key.
        public var employees = 0
        /// Grants of every kind.
        public var grants = 0

        /// Nothing added.
        public init() {}
    }

    /// The districts, and the providers working in each.
    static let districts: [(name: String, providers: [String])] = [
        ("Norrmalm (demo)", ["org-norr", "org-vasterort"]),
        ("Södermalm (demo)", ["org-soder"]),
        ("Bromma (demo)", ["org-vasterort"]),
    ]

    /// Seeds the city unless it is already there; expects `DemoData.seed` to have run.
    /// - Returns: what was added; all zero when the city existed.
    @discardableResult
    public static func seed(_ database: any Database, now: WallTime = .now()) throws -> Summary {
        let marker = try database.read {
            try $0.first("SELECT id FROM recipients WHERE alarm_code = $1", [.text("DEMO-1001")])
        }
        guard marker == nil else { return Summary() }

        let store = AccessStore(database: database, clock: { now })
        let since = WallTime(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 30 * 24 * 3_600_000)
        var summary = Summary()
        var lockNumber = 0
        var alarmNumber = 1_000
        var recipientsByProvider: [String: [RecipientID]] = [:]

        for (index, district) in districts.enumerated() {
            let districtID = try store.createDistrict(name: district.name)
            for provider in district.providers { try store.addDistrict(districtID, toProvider: provider) }
            for house in 1...2 {
                let street = ["Demogatan", "Provvägen", "Exempelgränd"][index]
                let building = try store.createBuilding(address: "\(street) \(house * 2 - 1)", district: districtID)
                summary.buildings += 1
                var doors = [try store.addDoor(to: building, kind: .entrance, label: "Entrance")]
                for floor in 1...3 {
                    doors.append(try store.addDoor(to: building, kind: .apartment, label: "Apartment \(floor)01"))
                }
                for (position, door) in doors.enumerated() {
                    lockNumber += 1
                    try store.installLock(lockID(lockNumber), on: door, at: since)
                    summary.locks += 1
                    guard position > 0 else { continue }
                    alarmNumber += 1
                    let provider = district.providers[(house + position) % district.providers.count]
                    let recipient = try store.registerRecipient(
                        alarmCode: "DEMO-\(alarmNumber)", provider: provider, from: since)
                    try store.moveIn(recipient, door: door, from: since)
                    recipientsByProvider[provider, default: []].append(recipient)
                    summary.recipients += 1
                }
            }
        }

        for (provider, short) in [("org-norr", "N"), ("org-soder", "S"), ("org-vasterort", "V")] {
            try seedStaff(provider: provider, short: short, store: store, since: since, into: &summary)
        }
        return summary
    }

    /// Four employees with keys, a day route team with individual grants, and a night patrol
    /// that may open all the provider's recipients' doors at night.
    private static func seedStaff(
        provider: String, short: String, store: AccessStore, since: WallTime, into summary: inout Summary
    ) throws {
        var employees: [EmployeeID] = []
        for number in 1...4 {
            let employee = try store.registerEmployee(
                provider: provider, number: "\(short)\(100 + number)", displayName: "Demo staff \(short)\(number)")
            let key = try store.registerKey(provider: provider, serial: "DEMO-\(short)-\(number)")
            try store.assignKey(key, to: employee)
            employees.append(employee)
            summary.employees += 1
        }
        let dayRoute = try store.createTeam(provider: provider, name: "Day route 1")
        try store.addMember(employees[0], toTeam: dayRoute)
        try store.addMember(employees[1], toTeam: dayRoute)
        let nightPatrol = try store.createTeam(provider: provider, name: "Night patrol")
        try store.addMember(employees[3], toTeam: nightPatrol)

        let days = WeeklySchedule.daily(0...6, from: 7 * 60, to: 22 * 60)
        let nights = WeeklySchedule.daily(0...6, from: 0, to: 7 * 60).union(.daily(0...6, from: 22 * 60, to: 24 * 60))
        _ = try store.grant(
            ProviderGrant(
                provider: provider, subject: .team(dayRoute), target: .allRecipients, validity: Period(start: since),
                schedule: days))
        _ = try store.grant(
            ProviderGrant(
                provider: provider, subject: .team(nightPatrol), target: .allRecipients,
                validity: Period(start: since), schedule: nights))
        summary.grants += 2
    }

    /// A demo lock identity: 32 hex characters, starting with `de`.
    static func lockID(_ number: Int) -> String {
        let digits = String(number, radix: 16)
        return "de" + String(repeating: "0", count: 30 - digits.count) + digits
    }
}
