import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import PortvaktServer
import PortvaktTesting
import Storage
import Testing

/// Generated from the route table: every secured route is called by each provider role of one
/// provider against another provider's objects, and must refuse (403 or 404) or answer without
/// a trace of the other provider, leaving its data unchanged. A route whose path needs an
/// object this test cannot yet make fails the test, so new routes cannot skip it.
@Suite("Tenant isolation, generated from the route table")
struct TenantIsolationTests {
    /// Another provider's objects, by the path parameter that names them.
    private struct Foreign {
        let tokenID: String
        let employeeID: String
        let keyID: String
        let recipientID: String
        let buildingID: String
        let doorID: String
        let installationID: String
    }

    private static let providerRoles: [Role] = [.providerAdministrator, .planner, .auditor]

    private func path(for route: SecuredRoute, _ foreign: Foreign) -> String? {
        var parts: [String] = []
        for segment in route.pattern.split(separator: "/") {
            guard segment.hasPrefix(":") else {
                parts.append(String(segment))
                continue
            }
            switch (route.pattern, segment) {
            case ("/api/v1/tokens/:id", ":id"): parts.append(foreign.tokenID)
            case ("/api/v1/employees/:id", ":id"): parts.append(foreign.employeeID)
            case ("/api/v1/keys/:id", ":id"), ("/api/v1/keys/:id/assignment", ":id"), ("/api/v1/keys/:id/lost", ":id"),
                ("/api/v1/keys/:id/retirement", ":id"), ("/api/v1/keys/:id/permissions", ":id"):
                parts.append(foreign.keyID)
            case ("/api/v1/recipients/:id", ":id"), ("/api/v1/recipients/:id/provider-changes", ":id"),
                ("/api/v1/recipients/:id/moves", ":id"):
                parts.append(foreign.recipientID)
            case ("/api/v1/buildings/:id", ":id"), ("/api/v1/buildings/:id/doors", ":id"):
                parts.append(foreign.buildingID)
            case ("/api/v1/doors/:id/lock-installations", ":id"): parts.append(foreign.doorID)
            case ("/api/v1/lock-installations/:id/removal", ":id"),
                ("/api/v1/lock-installations/:id/replacement", ":id"):
                parts.append(foreign.installationID)
            default: return nil
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    private func body(for route: SecuredRoute, _ foreign: Foreign) -> String? {
        switch (route.method, route.pattern) {
        case (.post, "/api/v1/tokens"):
            #"{"name":"intruder","role":"planner","organisationID":"org-soder","lifetimeDays":1}"#
        case (.post, "/api/v1/employees"):
            #"{"employeeNumber":"X1","displayName":"intruder","organisationID":"org-soder"}"#
        case (.patch, "/api/v1/employees/:id"): #"{"displayName":"intruder","active":false}"#
        case (.post, "/api/v1/keys"): #"{"serial":"INTRUDER-1","organisationID":"org-soder"}"#
        case (.post, "/api/v1/keys/:id/assignment"): #"{"employeeID":"\#(foreign.employeeID)"}"#
        case (.post, "/api/v1/recipients"): #"{"alarmCode":"INTRUDER-1","organisationID":"org-soder"}"#
        case (.post, "/api/v1/recipients/:id/provider-changes"): #"{"organisationID":"org-norr","from":0}"#
        case (.post, "/api/v1/recipients/:id/moves"): #"{"moveOutOf":["\#(foreign.doorID)"]}"#
        case (.post, "/api/v1/buildings"): #"{"address":"Intruder Street 1","districtID":"1"}"#
        case (.post, "/api/v1/buildings/:id/doors"): #"{"kind":"apartment","label":"Intruder"}"#
        case (.post, "/api/v1/doors/:id/lock-installations"), (.post, "/api/v1/lock-installations/:id/replacement"):
            #"{"lockID":"ffffffffffffffffffffffffffffffff"}"#
        case (.post, "/api/v1/lock-installations/:id/removal"): "{}"
        default: nil
        }
    }

    @Test(
        "each provider role is refused or shown nothing of another provider, on every route", arguments: TestBackend.all
    )
    func generated(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let soder = try BootstrapTokens.create(
                organisationID: "org-soder", role: .planner, name: "soder", days: 1, database: test.database, now: now,
                actor: "test")
            let access = AccessStore(database: test.database)
            let employee = try access.registerEmployee(provider: "org-soder", number: "S1", displayName: "Söder staff")
            let key = try access.registerKey(provider: "org-soder", serial: "SODER-1")
            try access.assignKey(key, to: employee)
            let since = WallTime(millisecondsSinceEpoch: now - 3_600_000)
            let recipient = try access.registerRecipient(alarmCode: "SODER-1", provider: "org-soder", from: since)
            let building = try access.createBuilding(
                address: "Södergatan 1", district: try access.createDistrict(name: "Söder"))
            let door = try access.addDoor(to: building, kind: .apartment, label: "Apartment 1")
            try access.moveIn(recipient, door: door, from: since)
            let installation = try test.database.write { connection in
                try access.installLock("00112233445566778899aabbccddeeff", on: door, at: since, in: connection)
            }
            let foreign = Foreign(
                tokenID: soder.token.id, employeeID: String(employee.rawValue), keyID: String(key.rawValue),
                recipientID: String(recipient.rawValue), buildingID: String(building.rawValue),
                doorID: String(door.rawValue), installationID: String(installation.rawValue))
            let tokensBefore = try TokenStore(database: test.database).list(organisationID: "org-soder")
            let staffBefore = try snapshot(test.database)
            let placesBefore = try placesSnapshot(test.database)

            let routes = try harness.app.securedRoutes()
            #expect(!routes.isEmpty)
            for role in Self.providerRoles {
                let bearer = try BootstrapTokens.create(
                    organisationID: "org-norr", role: role, name: "norr", days: 1, database: test.database, now: now,
                    actor: "test"
                ).bearer
                for route in routes {
                    guard var path = path(for: route, foreign) else {
                        Issue.record("\(route.method) \(route.pattern): no foreign object to call it with")
                        continue
                    }
                    if route.method == .get { path += "?organisation=org-soder" }
                    var headers = [("Authorization", "Bearer \(bearer)"), ("If-Match", "*")]
                    let payload = body(for: route, foreign)
                    if payload != nil { headers.append(("Content-Type", "application/json")) }
                    let response = try TestHTTPClient.request(
                        port: harness.port, route.method.rawValue, path, headers: headers,
                        body: Array((payload ?? "").utf8))
                    let label = "\(role.rawValue) \(route.method) \(route.pattern) → \(response.status)"
                    if route.method == .get && response.status == 200 {
                        #expect(!response.text.contains("org-soder"), "\(label) shows another provider")
                        #expect(!response.text.contains(foreign.tokenID), "\(label) shows another provider's object")
                    } else {
                        #expect([403, 404].contains(response.status), "\(label)")
                    }
                }
            }
            #expect(try TokenStore(database: test.database).list(organisationID: "org-soder") == tokensBefore)
            #expect(try snapshot(test.database) == staffBefore)
            #expect(try placesSnapshot(test.database) == placesBefore)
        }
    }

    /// Every employee and key row, to show that no refused call changed one.
    private func snapshot(_ database: any Database) throws -> [SQLRow] {
        try database.read { connection in
            try connection.execute(
                "SELECT 'employee' AS kind, id, employee_number AS name, display_name AS detail, active AS flag FROM employees "
                    + "UNION ALL SELECT 'key', id, serial, status, employee_id FROM keys ORDER BY 1, 2", [])
        }
    }

    /// Every recipient, provider period, home, building, door and lock installation, to show
    /// that no refused call changed one.
    private func placesSnapshot(_ database: any Database) throws -> [SQLRow] {
        try database.read { connection in
            try connection.execute(
                "SELECT 'recipient' AS kind, id, alarm_code AS name, CAST(NULL AS BIGINT) AS detail, "
                    + "CAST(NULL AS BIGINT) AS since, CAST(NULL AS BIGINT) AS until FROM recipients "
                    + "UNION ALL SELECT 'provider', recipient_id, provider_id, NULL, valid_from, "
                    + "valid_to FROM recipient_providers UNION ALL SELECT 'home', recipient_id, NULL, door_id, "
                    + "valid_from, valid_to FROM occupancies UNION ALL SELECT 'building', id, address, district_id, "
                    + "NULL, NULL FROM buildings UNION ALL SELECT 'door', id, label, building_id, NULL, NULL FROM doors "
                    + "UNION ALL SELECT 'lock', door_id, lock_id, id, installed_at, removed_at FROM lock_installations "
                    + "ORDER BY 1, 2, 3", [])
        }
    }
}
