import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import PortvaktServer
import PortvaktTesting
import ProtocolTesting
import Storage
import Synchronization

/// A real Portvakt server on loopback for the station's tests, over a test database, that can be
/// stopped and started again on the same port (where its stations expect it).
///
/// Its issuer is ``DoorFixture``'s, so the fixture's locks trust what the server signs and seal
/// events the server can open. Provider `org-norr` has one employee per key serial, each granted
/// the recipient behind the apartment door whose lock is ``lockID``.
final class LiveServer: Sendable {
    /// The apartment door's lock.
    static let lockID = DoorFixture.lockID(0xA1)
    /// The lock identity as the API writes it.
    static let lockHex = lockID.bytes.map { String(format: "%02x", $0) }.joined()

    let database: any Database
    let keys: ServerKeys
    let now: @Sendable () -> Int64
    /// The port the server listens on, across restarts.
    let port: UInt16
    /// A central administrator's bearer token.
    let admin: String
    private let running: Mutex<HTTPServer?>

    /// Starts the server, seeds the provider's keys and door, and makes an administrator's token.
    ///
    /// The server stops at once when asked (no grace period), as a crash would leave it.
    init(
        _ database: any Database, keySerials: [String] = ["K-100"],
        now: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
    ) throws {
        self.database = database
        self.now = now
        keys = try ServerKeys(
            issuerID: 1, issuerSeed: [UInt8](repeating: 0x11, count: 32),
            eventSeed: [UInt8](repeating: 0x33, count: 32), linkSeed: [UInt8](repeating: 0x55, count: 32))
        let harness = try ServerHarness.start(database, keys: keys, now: now, settings: Self.settings)
        port = harness.port
        running = Mutex(harness.server)
        try Self.seedAccess(database, keySerials: keySerials, now: WallTime(millisecondsSinceEpoch: now()))
        admin = try BootstrapTokens.create(
            organisationID: "org-central", role: .centralAdministrator, name: "test", days: 1, database: database,
            now: now(), actor: "test"
        ).bearer
    }

    private static let settings = ["http.shutdown_grace_seconds": "0"]

    /// The server's address for a station.
    var address: String { "http://127.0.0.1:\(port)" }

    /// Stops the server; requests on their way are cut off.
    func stop() {
        running.withLock { $0.take() }?.shutdown()
    }

    /// Starts the server again on its port, over the same database.
    func restart() throws {
        let harness = try ServerHarness.start(database, keys: keys, port: port, now: now, settings: Self.settings)
        running.withLock { $0 = harness.server }
    }

    deinit { stop() }

    /// One employee of `org-norr` per serial, each with that key, each granted the recipient
    /// behind the apartment door of ``lockID``.
    private static func seedAccess(_ database: any Database, keySerials: [String], now: WallTime) throws {
        try DemoData.seed(database)
        let store = AccessStore(database: database, clock: { now })
        let past = WallTime(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 86_400_000)
        let district = try store.createDistrict(name: "Kungsholmen")
        try store.addDistrict(district, toProvider: "org-norr")
        let building = try store.createBuilding(address: "Fleminggatan 1", district: district)
        let door = try store.addDoor(to: building, kind: .apartment, label: "2 tr")
        try store.installLock(lockHex, on: door, at: past)
        let recipient = try store.registerRecipient(alarmCode: "4711", provider: "org-norr", from: past)
        try store.moveIn(recipient, door: door, from: past)
        for (index, serial) in keySerials.enumerated() {
            let employee = try store.registerEmployee(
                provider: "org-norr", number: String(100 + index), displayName: "Employee \(index)")
            let key = try store.registerKey(provider: "org-norr", serial: serial)
            try store.assignKey(key, to: employee)
            _ = try store.grant(
                ProviderGrant(
                    provider: "org-norr", subject: .employee(employee), target: .recipient(recipient),
                    validity: Period(start: past)))
        }
    }

    /// A new station of `org-norr`, and its one-time enrolment code.
    func createStation() throws -> String {
        let response = try TestHTTPClient.request(
            port: port, "POST", "/api/v1/stations",
            headers: [("Authorization", "Bearer \(admin)"), ("Content-Type", "application/json")],
            body: Array(#"{"name":"Kungsholmen office","organisationID":"org-norr"}"#.utf8))
        guard response.status == 201, let code = response.json?["enrolmentCode"] as? String else {
            throw LiveServerError("creating a station answered \(response.status): \(response.text)")
        }
        return code
    }

    /// A door event as `GET /api/v1/events` lists it.
    struct Event: Decodable, Equatable {
        var source: String
        var lockID: String
        var counter: Int64
        var kind: String
        var keyID: String?
    }

    private struct EventPage: Decodable {
        var items: [Event]
        var next: String?
    }

    /// Every door event of `source` (`lock` or `key`) the administrator reads, page by page.
    func events(source: String = "lock") throws -> [Event] {
        var events: [Event] = []
        var after: String?
        repeat {
            let query = "?source=\(source)&limit=500" + (after.map { "&after=\($0)" } ?? "")
            let response = try TestHTTPClient.request(
                port: port, "GET", "/api/v1/events" + query, headers: [("Authorization", "Bearer \(admin)")])
            guard response.status == 200 else {
                throw LiveServerError("listing events answered \(response.status): \(response.text)")
            }
            let page = try JSONDecoder().decode(EventPage.self, from: Data(response.body))
            events += page.items
            after = page.next
        } while after != nil
        return events
    }

    /// The station as the administrator sees it.
    func station(_ id: String) throws -> [String: Any] {
        let response = try TestHTTPClient.request(
            port: port, "GET", "/api/v1/stations/\(id)", headers: [("Authorization", "Bearer \(admin)")])
        guard response.status == 200, let json = response.json else {
            throw LiveServerError("reading station \(id) answered \(response.status): \(response.text)")
        }
        return json
    }
}

/// The live server could not be set up or read.
struct LiveServerError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
