import Accounts
import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Staff and keys over HTTP")
struct StaffAndKeyRouteTests {
    /// A running app with demo organisations and bearers for the roles the tests need.
    private struct Setup {
        let harness: AppHarness
        let central: String
        let norrAdmin: String
        let norrPlanner: String
        let norrAuditor: String
        let soderAdmin: String

        func call(
            _ method: String, _ path: String, bearer: String, json: String? = nil, headers: [(String, String)] = []
        ) throws -> TestHTTPResponse {
            var all = headers + [("Authorization", "Bearer \(bearer)")]
            if json != nil { all.append(("Content-Type", "application/json")) }
            return try TestHTTPClient.request(
                port: harness.port, method, path, headers: all, body: Array((json ?? "").utf8))
        }

        /// Registers an employee of the caller's provider and returns its id.
        func employee(_ number: String, bearer: String) throws -> String {
            let response = try call(
                "POST", "/api/v1/employees", bearer: bearer,
                json: #"{"employeeNumber":"\#(number)","displayName":"Staff \#(number)"}"#)
            #expect(response.status == 201, "\(response.text)")
            return try #require(response.json?["id"] as? String)
        }

        /// Registers a key of the caller's provider and returns its id.
        func key(_ serial: String, bearer: String) throws -> String {
            let response = try call("POST", "/api/v1/keys", bearer: bearer, json: #"{"serial":"\#(serial)"}"#)
            #expect(response.status == 201, "\(response.text)")
            return try #require(response.json?["id"] as? String)
        }

        /// The audit actions recorded so far, oldest first.
        func auditActions() throws -> [String] {
            let audit = try call("GET", "/api/v1/audit?limit=500", bearer: central)
            return (audit.json?["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        }
    }

    private func withSetup(_ backend: TestBackend, _ body: (Setup) throws -> Void) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func bearer(_ organisation: String, _ role: Role) throws -> String {
                try BootstrapTokens.create(
                    organisationID: organisation, role: role, name: "test", days: 1, database: test.database, now: now,
                    actor: "test"
                ).bearer
            }
            try body(
                Setup(
                    harness: harness, central: try bearer("org-central", .centralAdministrator),
                    norrAdmin: try bearer("org-norr", .providerAdministrator),
                    norrPlanner: try bearer("org-norr", .planner), norrAuditor: try bearer("org-norr", .auditor),
                    soderAdmin: try bearer("org-soder", .providerAdministrator)))
        }
    }

    @Test("an administrator registers, lists and reads employees, and staff roles may read", arguments: TestBackend.all)
    func employees(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let first = try setup.employee("N1", bearer: setup.norrAdmin)
            let second = try setup.employee("N2", bearer: setup.norrAdmin)
            _ = try setup.employee("S1", bearer: setup.soderAdmin)
            let central = try setup.call(
                "POST", "/api/v1/employees", bearer: setup.central,
                json: #"{"employeeNumber":"N3","displayName":"Night","organisationID":"org-norr"}"#)
            #expect(central.status == 201)
            #expect(central.json?["organisationID"] as? String == "org-norr")

            for bearer in [setup.norrAdmin, setup.norrPlanner, setup.norrAuditor] {
                let listed = try setup.call("GET", "/api/v1/employees", bearer: bearer)
                #expect(listed.status == 200)
                let numbers = (listed.json?["items"] as? [[String: Any]])?.compactMap {
                    $0["employeeNumber"] as? String
                }
                #expect(numbers == ["N1", "N2", "N3"])
                #expect(!listed.text.contains("org-soder"))
            }
            let page = try setup.call("GET", "/api/v1/employees?limit=1", bearer: setup.norrAdmin)
            let next = try #require(page.json?["next"] as? String)
            #expect(next == first)
            let rest = try setup.call("GET", "/api/v1/employees?limit=1&after=\(next)", bearer: setup.norrAdmin)
            #expect((rest.json?["items"] as? [[String: Any]])?.first?["id"] as? String == second)

            let one = try setup.call("GET", "/api/v1/employees/\(first)", bearer: setup.norrPlanner)
            #expect(one.status == 200)
            #expect(one.json?["displayName"] as? String == "Staff N1")
            #expect(one.json?["active"] as? Bool == true)
            #expect(one.headers["etag"]?.hasPrefix("\"") == true)
            let everyone = try setup.call("GET", "/api/v1/employees", bearer: setup.central)
            #expect((everyone.json?["items"] as? [Any])?.count == 4)
            #expect(try setup.auditActions().filter { $0 == "employee.create" }.count == 4)
        }
    }

    @Test("invalid employees are refused with 422 naming each field", arguments: TestBackend.all)
    func employeeValidation(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let blank = try setup.call(
                "POST", "/api/v1/employees", bearer: setup.norrAdmin, json: #"{"employeeNumber":" ","displayName":""}"#)
            #expect(blank.status == 422)
            let fields = (blank.json?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["employeeNumber", "displayName"])
            let central = try setup.call(
                "POST", "/api/v1/employees", bearer: setup.central, json: #"{"employeeNumber":"1","displayName":"A"}"#)
            #expect(central.status == 422)
            #expect(central.text.contains("organisationID"))
            _ = try setup.employee("N1", bearer: setup.norrAdmin)
            let duplicate = try setup.call(
                "POST", "/api/v1/employees", bearer: setup.norrAdmin,
                json: #"{"employeeNumber":"N1","displayName":"B"}"#)
            #expect(duplicate.status == 409)
            #expect(try setup.call("GET", "/api/v1/employees?active=maybe", bearer: setup.norrAdmin).status == 400)
        }
    }

    @Test("planners and auditors may not change staff or keys", arguments: TestBackend.all)
    func roleRefusals(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let employee = try setup.employee("N1", bearer: setup.norrAdmin)
            let key = try setup.key("K-1", bearer: setup.norrAdmin)
            for bearer in [setup.norrPlanner, setup.norrAuditor] {
                let calls: [(String, String, String?)] = [
                    ("POST", "/api/v1/employees", #"{"employeeNumber":"X","displayName":"X"}"#),
                    ("PATCH", "/api/v1/employees/\(employee)", #"{"active":false}"#),
                    ("POST", "/api/v1/keys", #"{"serial":"X"}"#),
                    ("POST", "/api/v1/keys/\(key)/assignment", #"{"employeeID":"\#(employee)"}"#),
                    ("POST", "/api/v1/keys/\(key)/lost", nil), ("POST", "/api/v1/keys/\(key)/retirement", nil),
                ]
                for (method, path, json) in calls {
                    let response = try setup.call(
                        method, path, bearer: bearer, json: json, headers: [("If-Match", "*")])
                    #expect(response.status == 403, "\(method) \(path)")
                }
            }
            let auditor = try setup.call("GET", "/api/v1/keys/\(key)/permissions", bearer: setup.norrAuditor)
            #expect(auditor.status == 403)
        }
    }

    @Test("another provider's employees and keys answer 404 exactly as missing ones", arguments: TestBackend.all)
    func otherProvider(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let employee = try setup.employee("S1", bearer: setup.soderAdmin)
            let key = try setup.key("S-1", bearer: setup.soderAdmin)
            let ownEmployee = try setup.employee("N1", bearer: setup.norrAdmin)
            let ownKey = try setup.key("N-1", bearer: setup.norrAdmin)
            for (path, missing) in [
                ("/api/v1/employees/\(employee)", "/api/v1/employees/99999"),
                ("/api/v1/keys/\(key)", "/api/v1/keys/99999"),
                ("/api/v1/keys/\(key)/permissions", "/api/v1/keys/99999/permissions"),
            ] {
                let foreign = try setup.call("GET", path, bearer: setup.norrAdmin)
                let absent = try setup.call("GET", missing, bearer: setup.norrAdmin)
                #expect(foreign.status == 404)
                #expect(absent.status == 404)
                #expect(foreign.json?["title"] as? String == absent.json?["title"] as? String)
            }
            let lost = try setup.call("POST", "/api/v1/keys/\(key)/lost", bearer: setup.norrAdmin)
            #expect(lost.status == 404)
            let patch = try setup.call(
                "PATCH", "/api/v1/employees/\(employee)", bearer: setup.norrAdmin, json: #"{"active":false}"#,
                headers: [("If-Match", "*")])
            #expect(patch.status == 404)

            let theirs = try setup.call(
                "POST", "/api/v1/keys/\(ownKey)/assignment", bearer: setup.norrAdmin,
                json: #"{"employeeID":"\#(employee)"}"#)
            #expect(theirs.status == 422)
            let nobody = try setup.call(
                "POST", "/api/v1/keys/\(ownKey)/assignment", bearer: setup.norrAdmin, json: #"{"employeeID":"99999"}"#)
            #expect(nobody.status == 422)
            #expect(theirs.json?["detail"] as? String != nil)
            let ours = try setup.call(
                "POST", "/api/v1/keys/\(ownKey)/assignment", bearer: setup.norrAdmin,
                json: #"{"employeeID":"\#(ownEmployee)"}"#)
            #expect(ours.status == 200)
            #expect(ours.json?["employeeID"] as? String == ownEmployee)
            let soderKey = try setup.call("GET", "/api/v1/keys/\(key)", bearer: setup.soderAdmin)
            #expect(soderKey.json?["status"] as? String == "active")
        }
    }

    @Test(
        "an employee update needs If-Match: 428 without it, 412 when stale, 200 when current",
        arguments: TestBackend.all)
    func optimisticConcurrency(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let id = try setup.employee("N1", bearer: setup.norrAdmin)
            let path = "/api/v1/employees/\(id)"
            let read = try setup.call("GET", path, bearer: setup.norrAdmin)
            let tag = try #require(read.headers["etag"])

            let missing = try setup.call("PATCH", path, bearer: setup.norrAdmin, json: #"{"displayName":"New"}"#)
            #expect(missing.status == 428)
            let renamed = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"displayName":"New"}"#, headers: [("If-Match", tag)])
            #expect(renamed.status == 200)
            #expect(renamed.json?["displayName"] as? String == "New")
            let newTag = try #require(renamed.headers["etag"])
            #expect(newTag != tag)

            let stale = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"active":false}"#, headers: [("If-Match", tag)])
            #expect(stale.status == 412)
            let invalid = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"displayName":"  "}"#, headers: [("If-Match", newTag)])
            #expect(invalid.status == 422)
            let deactivated = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"active":false}"#, headers: [("If-Match", newTag)])
            #expect(deactivated.status == 200)
            #expect(deactivated.json?["active"] as? Bool == false)

            let active = try setup.call("GET", "/api/v1/employees?active=true", bearer: setup.norrAdmin)
            #expect((active.json?["items"] as? [Any])?.isEmpty == true)
            let former = try setup.call("GET", "/api/v1/employees?active=false", bearer: setup.norrAdmin)
            #expect((former.json?["items"] as? [Any])?.count == 1)
            let back = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"active":true}"#, headers: [("If-Match", "*")])
            #expect(back.status == 422)
            #expect(try setup.auditActions().filter { $0 == "employee.update" }.count == 2)

            // Explicit nulls are refused, not read as absent; lengths count code points, as the
            // OpenAPI document's maxLength does (60 letters with combining accents are 120).
            let null = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"active":null}"#, headers: [("If-Match", "*")])
            #expect(null.status == 400)
            let accented = String(repeating: "e\u{301}", count: 60)
            #expect(accented.count == 60)
            let long = try setup.call(
                "PATCH", path, bearer: setup.norrAdmin, json: #"{"displayName":"\#(accented)"}"#,
                headers: [("If-Match", "*")])
            #expect(long.status == 422)
        }
    }

    @Test("a key is registered, assigned, reported lost and retired, each change audited", arguments: TestBackend.all)
    func keyLifeCycle(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let employee = try setup.employee("N1", bearer: setup.norrAdmin)
            let key = try setup.key("K-1", bearer: setup.norrAdmin)
            let duplicate = try setup.call("POST", "/api/v1/keys", bearer: setup.norrAdmin, json: #"{"serial":"K-1"}"#)
            #expect(duplicate.status == 409)
            let blank = try setup.call("POST", "/api/v1/keys", bearer: setup.norrAdmin, json: #"{"serial":" "}"#)
            #expect(blank.status == 422)
            #expect(blank.text.contains("serial"))

            let assigned = try setup.call(
                "POST", "/api/v1/keys/\(key)/assignment", bearer: setup.norrAdmin,
                json: #"{"employeeID":"\#(employee)"}"#)
            #expect(assigned.status == 200)
            let read = try setup.call("GET", "/api/v1/keys/\(key)", bearer: setup.norrPlanner)
            #expect(read.json?["employeeID"] as? String == employee)
            #expect(read.json?["status"] as? String == "active")

            let lost = try setup.call("POST", "/api/v1/keys/\(key)/lost", bearer: setup.norrAdmin)
            #expect(lost.status == 200)
            #expect(lost.json?["status"] as? String == "lost")
            let again = try setup.call("POST", "/api/v1/keys/\(key)/retirement", bearer: setup.norrAdmin)
            #expect(again.status == 409)
            let reassign = try setup.call(
                "POST", "/api/v1/keys/\(key)/assignment", bearer: setup.norrAdmin,
                json: #"{"employeeID":"\#(employee)"}"#)
            #expect(reassign.status == 409)

            let other = try setup.key("K-2", bearer: setup.norrAdmin)
            let retired = try setup.call("POST", "/api/v1/keys/\(other)/retirement", bearer: setup.norrAdmin)
            #expect(retired.json?["status"] as? String == "retired")
            let listed = try setup.call("GET", "/api/v1/keys", bearer: setup.norrAuditor)
            #expect((listed.json?["items"] as? [Any])?.count == 2)
            let actions = try setup.auditActions()
            for action in ["key.register", "key.assign", "key.report_lost", "key.retire"] {
                #expect(actions.contains(action), "\(action)")
            }
            let audit = try setup.call("GET", "/api/v1/audit?limit=500", bearer: setup.norrAdmin)
            let report = (audit.json?["items"] as? [[String: Any]])?.first {
                $0["action"] as? String == "key.report_lost"
            }
            #expect((report?["before"] as? String)?.contains(#""status":"active""#) == true)
            #expect((report?["after"] as? String)?.contains(#""status":"lost""#) == true)
            #expect(report?["organisationID"] as? String == "org-norr")
        }
    }

    @Test("a key's permissions: a lost key has none, and the period is bounded", arguments: TestBackend.all)
    func permissions(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let access = AccessStore(database: setup.harness.database)
            let employee = try setup.employee("N1", bearer: setup.norrAdmin)
            let key = try setup.key("K-1", bearer: setup.norrAdmin)
            _ = try setup.call(
                "POST", "/api/v1/keys/\(key)/assignment", bearer: setup.norrAdmin,
                json: #"{"employeeID":"\#(employee)"}"#)
            let district = try access.createDistrict(name: "Norr")
            try access.addDistrict(district, toProvider: "org-norr")
            let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
            try PermissionFixture.grantOneDoor(
                access, provider: "org-norr", district: district, employee: EmployeeID(Int64(employee)!),
                lockID: "lock-1", from: start)

            let path = "/api/v1/keys/\(key)/permissions"
            for bearer in [setup.norrAdmin, setup.norrPlanner, setup.central] {
                let shown = try setup.call("GET", path, bearer: bearer)
                #expect(shown.status == 200, "\(shown.text)")
                #expect(shown.json?["count"] as? Int == 1)
                #expect(shown.json?["fitsOnKey"] as? Bool == true)
                let locks = (shown.json?["permissions"] as? [[String: Any]])?.compactMap { $0["lockID"] as? String }
                #expect(locks == ["lock-1"])
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let tooLong = try setup.call(
                "GET", "\(path)?from=\(now)&to=\(now + 17 * 3_600_000)", bearer: setup.norrAdmin)
            #expect(tooLong.status == 422)
            let backwards = try setup.call("GET", "\(path)?from=\(now)&to=\(now - 1)", bearer: setup.norrAdmin)
            #expect(backwards.status == 422)

            _ = try setup.call("POST", "/api/v1/keys/\(key)/lost", bearer: setup.norrAdmin)
            let after = try setup.call("GET", path, bearer: setup.norrPlanner)
            #expect(after.status == 200)
            #expect(after.json?["count"] as? Int == 0)
            #expect((after.json?["permissions"] as? [Any])?.isEmpty == true)
        }
    }
}

/// The smallest access model that gives one employee one lock: a recipient of the provider
/// behind an apartment door with a fitted lock, and a grant from the employee to the recipient.
private enum PermissionFixture {
    static func grantOneDoor(
        _ access: AccessStore, provider: String, district: DistrictID, employee: EmployeeID, lockID: String,
        from start: Int64
    ) throws {
        let since = WallTime(millisecondsSinceEpoch: start)
        let recipient = try access.registerRecipient(alarmCode: "A-1", provider: provider, from: since)
        let building = try access.createBuilding(address: "Norrgatan 1", district: district)
        let door = try access.addDoor(to: building, kind: .apartment, label: "1101")
        try access.moveIn(recipient, door: door, from: since)
        try access.installLock(lockID, on: door, at: since)
        _ = try access.grant(
            ProviderGrant(
                provider: provider, subject: .employee(employee), target: .recipient(recipient),
                validity: Period(start: since)))
    }
}
