import Accounts
import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Testing

/// A running app over the demo organisations, with a bearer for each role the access-model
/// route tests act as, and helpers for what those tests do over and over.
struct AccessRouteSetup {
    let harness: AppHarness
    let central: String
    let norrAdmin: String
    let norrPlanner: String
    let norrAuditor: String
    let soderAdmin: String
    let soderPlanner: String

    /// The access model behind the app, for what has no route here (recipients, doors, locks).
    var access: AccessStore { AccessStore(database: harness.database) }

    /// Runs `body` with a fresh app on `backend`.
    static func with(_ backend: TestBackend, _ body: (AccessRouteSetup) throws -> Void) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Self.now()
            func bearer(_ organisation: String, _ role: Role) throws -> String {
                try BootstrapTokens.create(
                    organisationID: organisation, role: role, name: "test", days: 1, database: test.database, now: now,
                    actor: "test"
                ).bearer
            }
            try body(
                AccessRouteSetup(
                    harness: harness, central: try bearer("org-central", .centralAdministrator),
                    norrAdmin: try bearer("org-norr", .providerAdministrator),
                    norrPlanner: try bearer("org-norr", .planner), norrAuditor: try bearer("org-norr", .auditor),
                    soderAdmin: try bearer("org-soder", .providerAdministrator),
                    soderPlanner: try bearer("org-soder", .planner)))
        }
    }

    /// Now, in milliseconds since the epoch.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func call(
        _ method: String, _ path: String, bearer: String, json: String? = nil, headers: [(String, String)] = []
    ) throws -> TestHTTPResponse {
        var all = headers + [("Authorization", "Bearer \(bearer)")]
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try TestHTTPClient.request(
            port: harness.port, method, path, headers: all, body: Array((json ?? "").utf8))
    }

    /// Sends a creating request that must succeed, and returns the new object's id.
    func create(_ path: String, bearer: String, json: String) throws -> String {
        let response = try call("POST", path, bearer: bearer, json: json)
        #expect(response.status == 201, "POST \(path): \(response.text)")
        return try #require(response.json?["id"] as? String)
    }

    /// Registers an employee of the caller's provider, hands them a new key, and returns both ids.
    func employeeWithKey(_ number: String, bearer: String) throws -> (employee: String, key: String) {
        let employee = try create(
            "/api/v1/employees", bearer: bearer,
            json: #"{"employeeNumber":"\#(number)","displayName":"Staff \#(number)"}"#)
        let key = try create("/api/v1/keys", bearer: bearer, json: #"{"serial":"KEY-\#(number)"}"#)
        let assigned = try call(
            "POST", "/api/v1/keys/\(key)/assignment", bearer: bearer, json: #"{"employeeID":"\#(employee)"}"#)
        #expect(assigned.status == 200, "\(assigned.text)")
        return (employee, key)
    }

    /// The lock ids a key may open from now (or `from`) for `hours` hours, with each one's windows.
    func permissions(ofKey key: String, from: Int64? = nil, hours: Int64 = 12) throws -> [String: [[String: Any]]] {
        let start = from ?? Self.now()
        let response = try call(
            "GET", "/api/v1/keys/\(key)/permissions?from=\(start)&to=\(start + hours * 3_600_000)", bearer: central)
        #expect(response.status == 200, "\(response.text)")
        var locks: [String: [[String: Any]]] = [:]
        for lock in response.json?["permissions"] as? [[String: Any]] ?? [] {
            locks[lock["lockID"] as? String ?? "?"] = lock["windows"] as? [[String: Any]] ?? []
        }
        return locks
    }

    /// The audit entries recorded so far, oldest first.
    func audit() throws -> [[String: Any]] {
        let response = try call("GET", "/api/v1/audit?limit=500", bearer: central)
        return response.json?["items"] as? [[String: Any]] ?? []
    }

    /// The actions of the audit entries recorded so far, oldest first.
    func auditActions() throws -> [String] {
        try audit().compactMap { $0["action"] as? String }
    }

    /// The items of a list answer.
    func items(_ path: String, bearer: String) throws -> [[String: Any]] {
        let response = try call("GET", path, bearer: bearer)
        #expect(response.status == 200, "GET \(path): \(response.text)")
        return response.json?["items"] as? [[String: Any]] ?? []
    }
}

/// A recipient's home made directly in the access model: a building in a district, with an
/// entrance and an apartment door, a lock fitted on each, and the recipient living behind the
/// apartment door, served by `provider` since an hour ago.
struct Home {
    let recipient: RecipientID
    let building: BuildingID
    let apartment: DoorID
    let apartmentLock: String
    let entranceLock: String

    init(_ access: AccessStore, alarmCode: String, provider: String, district: DistrictID) throws {
        let since = WallTime(millisecondsSinceEpoch: AccessRouteSetup.now() - 3_600_000)
        recipient = try access.registerRecipient(alarmCode: alarmCode, provider: provider, from: since)
        building = try access.createBuilding(address: "\(alarmCode) Street 1", district: district)
        apartment = try access.addDoor(to: building, kind: .apartment, label: "1101")
        let entrance = try access.addDoor(to: building, kind: .entrance, label: "entrance")
        try access.moveIn(recipient, door: apartment, from: since)
        apartmentLock = Self.lockID()
        entranceLock = Self.lockID()
        try access.installLock(apartmentLock, on: apartment, at: since)
        try access.installLock(entranceLock, on: entrance, at: since)
    }

    /// A new lock identity: 32 lowercase hexadecimal digits.
    static func lockID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
