import Accounts
import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Synchronization
import Testing

/// A running app over demo organisations with a clock the test moves, a district, and bearers
/// for the roles that manage recipients, buildings and locks.
struct PlacesFixture {
    /// The app's "now", in milliseconds since the epoch; tests move it forward.
    final class Clock: Sendable {
        private let value: Mutex<Int64>

        init(_ start: Int64) { value = Mutex(start) }

        var now: Int64 { value.withLock { $0 } }

        func advance(by milliseconds: Int64) { value.withLock { $0 += milliseconds } }
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour

    let harness: AppHarness
    let clock: Clock
    let access: AccessStore
    let district: DistrictID
    let central: String
    let theOperator: String
    let norrAdmin: String
    let norrPlanner: String
    let norrAuditor: String
    let soderPlanner: String
    let soderAuditor: String

    /// Runs `body` against a fresh app on `backend`.
    static func run(_ backend: TestBackend, _ body: (PlacesFixture) throws -> Void) throws {
        try backend.withDatabase { test in
            let clock = Clock(Int64(Date().timeIntervalSince1970 * 1000))
            let harness = try AppHarness.start(test.database, now: { clock.now })
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            func bearer(_ organisation: String, _ role: Role) throws -> String {
                try BootstrapTokens.create(
                    organisationID: organisation, role: role, name: "test", days: 30, database: test.database,
                    now: clock.now, actor: "test"
                ).bearer
            }
            let access = AccessStore(database: test.database)
            try body(
                PlacesFixture(
                    harness: harness, clock: clock, access: access, district: try access.createDistrict(name: "Norr"),
                    central: try bearer("org-central", .centralAdministrator),
                    theOperator: try bearer("org-central", .centralOperator),
                    norrAdmin: try bearer("org-norr", .providerAdministrator),
                    norrPlanner: try bearer("org-norr", .planner), norrAuditor: try bearer("org-norr", .auditor),
                    soderPlanner: try bearer("org-soder", .planner), soderAuditor: try bearer("org-soder", .auditor)))
        }
    }

    /// Sends a request as `bearer`, with a JSON body when one is given.
    func call(
        _ method: String, _ path: String, bearer: String, json: String? = nil, headers: [(String, String)] = []
    ) throws -> TestHTTPResponse {
        var all = headers + [("Authorization", "Bearer \(bearer)")]
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try TestHTTPClient.request(
            port: harness.port, method, "/api/v1" + path, headers: all, body: Array((json ?? "").utf8))
    }

    /// Creates something as `bearer`, expects 201 and returns the new object's id.
    func create(_ path: String, bearer: String, json: String) throws -> String {
        let response = try call("POST", path, bearer: bearer, json: json)
        #expect(response.status == 201, "POST \(path): \(response.text)")
        return try #require(response.json?["id"] as? String)
    }

    /// Registers a building with an entrance and one apartment door per label, as the operator.
    func building(_ address: String, apartments: [String]) throws -> (id: String, entrance: String, doors: [String]) {
        let building = try create(
            "/buildings", bearer: theOperator, json: #"{"address":"\#(address)","districtID":"\#(district)"}"#)
        let entrance = try create(
            "/buildings/\(building)/doors", bearer: theOperator, json: #"{"kind":"entrance","label":"Entrance A"}"#)
        let doors = try apartments.map { label in
            try create(
                "/buildings/\(building)/doors", bearer: theOperator, json: #"{"kind":"apartment","label":"\#(label)"}"#)
        }
        return (building, entrance, doors)
    }

    /// Fits `lockID` to `door` now, as the operator, and returns the installation's id.
    func install(_ lockID: String, on door: String) throws -> String {
        try create("/doors/\(door)/lock-installations", bearer: theOperator, json: #"{"lockID":"\#(lockID)"}"#)
    }

    /// Registers a recipient of `provider` from `from` (now when absent), as the central
    /// administrator, and returns the id.
    func recipient(_ alarmCode: String, of provider: String, from: Int64? = nil) throws -> String {
        let start = from.map { #","from":\#($0)"# } ?? ""
        return try create(
            "/recipients", bearer: central,
            json: #"{"alarmCode":"\#(alarmCode)","organisationID":"\#(provider)"\#(start)}"#)
    }

    /// Records a move of `recipient` as the central administrator and returns the answer.
    func move(_ recipient: String, into: [String] = [], outOf: [String] = [], at: Int64? = nil) throws
        -> TestHTTPResponse
    {
        func list(_ ids: [String]) -> String { "[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let time = at.map { #","at":\#($0)"# } ?? ""
        return try call(
            "POST", "/recipients/\(recipient)/moves", bearer: central,
            json: #"{"moveInto":\#(list(into)),"moveOutOf":\#(list(outOf))\#(time)}"#)
    }

    /// The labels of a recipient's homes as `bearer` sees them, or `nil` when it answers 404.
    func homes(of recipient: String, bearer: String) throws -> [String]? {
        let response = try call("GET", "/recipients/\(recipient)", bearer: bearer)
        if response.status == 404 { return nil }
        #expect(response.status == 200, "\(response.text)")
        return (response.json?["homes"] as? [[String: Any]])?.compactMap { $0["label"] as? String }
    }

    /// The ids on a list page as `bearer` sees it.
    func listed(_ path: String, bearer: String) throws -> [String] {
        let response = try call("GET", path, bearer: bearer)
        #expect(response.status == 200, "GET \(path): \(response.text)")
        return (response.json?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }

    /// The audit entries `bearer` may read, oldest first, leaving out the test's own tokens.
    func audit(bearer: String) throws -> [[String: Any]] {
        let items = try call("GET", "/audit?limit=500", bearer: bearer).json?["items"] as? [[String: Any]] ?? []
        return items.filter { $0["objectType"] as? String != "api_token" }
    }

    /// Registers an employee of org-norr with a key and grants the employee `target` from a
    /// day ago, as org-norr would; returns the key's id.
    func norrKey(for target: GrantTarget) throws -> String {
        let employee = try create(
            "/employees", bearer: norrAdmin, json: #"{"employeeNumber":"N1","displayName":"Day"}"#)
        let key = try create("/keys", bearer: norrAdmin, json: #"{"serial":"K-1"}"#)
        let assigned = try call(
            "POST", "/keys/\(key)/assignment", bearer: norrAdmin, json: #"{"employeeID":"\#(employee)"}"#)
        #expect(assigned.status == 200)
        _ = try access.grant(
            ProviderGrant(
                provider: "org-norr", subject: .employee(EmployeeID(try #require(Int64(employee)))), target: target,
                validity: Period(start: WallTime(millisecondsSinceEpoch: clock.now - Self.day))))
        return key
    }

    /// The locks `key` may open during the next twelve hours, sorted, as org-norr's planner
    /// reads them.
    func lockIDs(key: String) throws -> [String] {
        let response = try call("GET", "/keys/\(key)/permissions", bearer: norrPlanner)
        #expect(response.status == 200, "\(response.text)")
        return ((response.json?["permissions"] as? [[String: Any]])?.compactMap { $0["lockID"] as? String } ?? [])
            .sorted()
    }

    /// The field names of a problem document's errors.
    static func fields(_ response: TestHTTPResponse) -> [String] {
        (response.json?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
    }
}
