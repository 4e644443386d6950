import Accounts
import Authorization
import Configuration
import Observability
import PortvaktServer

/// `seed`: prepares a server's SQLite data directory, or its empty PostgreSQL database, for a
/// chaos run, before the server starts: the demo organisations, and in provider `org-norr` one
/// building whose entrance and one apartment door per key have locks, an employee per key
/// granted that apartment's recipient (and so the entrance), and the keys `CHAOS-1` …
/// `CHAOS-n`. Prints a central administrator's and a provider administrator's token.
enum ChaosSeed {
    static func run(dataDirectory: String, keys count: Int, postgresURL: String?) throws -> String {
        var storage = ["storage.backend": "sqlite", "storage.data_dir": dataDirectory]
        if let postgresURL {
            storage["storage.backend"] = "postgres"
            storage["storage.postgres_url"] = postgresURL
        }
        let configuration = try ServerConfiguration(
            Configuration(settings: ServerSettings.all, environment: [:], overrides: storage))
        let logger = Logger(label: "station-chaos", level: .warning)
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        try PortvaktApp.prepare(database, configuration: configuration, logger: logger)
        try DemoData.seed(database)

        let now = WallTime.now()
        let store = AccessStore(database: database, clock: { now })
        let past = WallTime(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 86_400_000)
        let district = try store.createDistrict(name: "Chaos district (test)")
        try store.addDistrict(district, toProvider: "org-norr")
        let building = try store.createBuilding(address: "Kaosgatan 1", district: district)
        let entrance = try store.addDoor(to: building, kind: .entrance, label: "Entrance")
        try store.installLock(lockID(0), on: entrance, at: past)
        for number in 1...count {
            let door = try store.addDoor(to: building, kind: .apartment, label: "Apartment \(number)")
            try store.installLock(lockID(number), on: door, at: past)
            let recipient = try store.registerRecipient(alarmCode: "CHAOS-\(number)", provider: "org-norr", from: past)
            try store.moveIn(recipient, door: door, from: past)
            let employee = try store.registerEmployee(
                provider: "org-norr", number: "CHAOS\(number)", displayName: "Chaos staff \(number)")
            let key = try store.registerKey(provider: "org-norr", serial: "CHAOS-\(number)")
            try store.assignKey(key, to: employee)
            _ = try store.grant(
                ProviderGrant(
                    provider: "org-norr", subject: .employee(employee), target: .recipient(recipient),
                    validity: Period(start: past)))
        }

        let central = try BootstrapTokens.create(
            organisationID: "org-central", role: .centralAdministrator, name: "station chaos", days: 1,
            database: database, now: now.millisecondsSinceEpoch, actor: "station-chaos")
        let provider = try BootstrapTokens.create(
            organisationID: "org-norr", role: .providerAdministrator, name: "station chaos", days: 1,
            database: database, now: now.millisecondsSinceEpoch, actor: "station-chaos")
        return "central_token=\(central.bearer)\nprovider_token=\(provider.bearer)"
    }

    /// The lock of door `number` (0 for the entrance): 32 hexadecimal digits starting `ca05`.
    static func lockID(_ number: Int) -> String {
        let digits = String(number, radix: 16)
        return "ca05" + String(repeating: "0", count: 28 - digits.count) + digits
    }
}
