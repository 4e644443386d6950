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
        let districtID: String
        let teamID: String
        let grantID: String
        let areaGrantID: String
        let emergencyGrantID: String
        let stationID: String
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
            case ("/api/v1/organisations/:id", ":id"), ("/api/v1/organisations/:id/districts/:districtID", ":id"):
                parts.append("org-soder")
            case ("/api/v1/organisations/:id/districts/:districtID", ":districtID"): parts.append(foreign.districtID)
            case ("/api/v1/teams/:id", ":id"), ("/api/v1/teams/:id/members/:employeeID", ":id"):
                parts.append(foreign.teamID)
            case ("/api/v1/teams/:id/members/:employeeID", ":employeeID"): parts.append(foreign.employeeID)
            case ("/api/v1/grants/:id", ":id"): parts.append(foreign.grantID)
            case ("/api/v1/area-grants/:id", ":id"): parts.append(foreign.areaGrantID)
            case ("/api/v1/emergency-grants/:id", ":id"): parts.append(foreign.emergencyGrantID)
            case ("/api/v1/stations/:id", ":id"): parts.append(foreign.stationID)
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
        case (.post, "/api/v1/organisations"): #"{"id":"org-intruder","name":"intruder"}"#
        case (.post, "/api/v1/districts"): #"{"name":"intruder"}"#
        case (.post, "/api/v1/teams"): #"{"name":"intruder","organisationID":"org-soder"}"#
        case (.post, "/api/v1/grants"):
            #"{"organisationID":"org-soder","subject":"employee","employeeID":"\#(foreign.employeeID)","target":"all_recipients"}"#
        case (.post, "/api/v1/area-grants"):
            #"{"organisationID":"org-soder","employeeIDs":["\#(foreign.employeeID)"],"districtIDs":["\#(foreign.districtID)"]}"#
        case (.post, "/api/v1/emergency-grants"):
            #"{"employeeID":"\#(foreign.employeeID)","recipientID":"1","durationMinutes":5,"reason":"safety_alarm"}"#
        case (.post, "/api/v1/stations"): #"{"name":"intruder","organisationID":"org-soder"}"#
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
            let central = try BootstrapTokens.create(
                organisationID: "org-central", role: .centralAdministrator, name: "central", days: 1,
                database: test.database, now: now, actor: "test")
            let station = try TestHTTPClient.request(
                port: harness.port, "POST", "/api/v1/stations",
                headers: [("Authorization", "Bearer \(central.bearer)"), ("Content-Type", "application/json")],
                body: Array(#"{"name":"Söder office","organisationID":"org-soder"}"#.utf8))
            let since = WallTime(millisecondsSinceEpoch: now - 3_600_000)
            let recipient = try access.registerRecipient(alarmCode: "SODER-1", provider: "org-soder", from: since)
            let building = try access.createBuilding(
                address: "Södergatan 1", district: try access.createDistrict(name: "Söder"))
            let door = try access.addDoor(to: building, kind: .apartment, label: "Apartment 1")
            try access.moveIn(recipient, door: door, from: since)
            let installation = try test.database.write { connection in
                try access.installLock("00112233445566778899aabbccddeeff", on: door, at: since, in: connection)
            }
            let grants = try ForeignGrants(access, employee: employee, recipient: recipient)
            let foreign = Foreign(
                tokenID: soder.token.id, employeeID: String(employee.rawValue), keyID: String(key.rawValue),
                recipientID: String(recipient.rawValue), buildingID: String(building.rawValue),
                doorID: String(door.rawValue), installationID: String(installation.rawValue),
                districtID: String(grants.district.rawValue), teamID: String(grants.team.rawValue),
                grantID: String(grants.grant.rawValue), areaGrantID: String(grants.areaGrant.rawValue),
                emergencyGrantID: String(grants.emergencyGrant.rawValue),
                stationID: try #require(station.json?["id"] as? String))
            let tokensBefore = try TokenStore(database: test.database).list(organisationID: "org-soder")
            let staffBefore = try snapshot(test.database)
            let placesBefore = try placesSnapshot(test.database)
            let grantsBefore = try ForeignGrants.snapshot(test.database)

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
            #expect(try ForeignGrants.snapshot(test.database) == grantsBefore)
        }
    }

    /// Every employee, key and station row, to show that no refused call changed one.
    private func snapshot(_ database: any Database) throws -> [SQLRow] {
        try database.read { connection in
            try connection.execute(
                "SELECT 'employee' AS kind, id, employee_number AS name, display_name AS detail, active AS flag FROM employees "
                    + "UNION ALL SELECT 'key', id, serial, status, employee_id FROM keys "
                    + "UNION ALL SELECT 'station', id, name, organisation_id, revoked_at FROM stations ORDER BY 1, 2",
                [])
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

/// Another provider's teams and grants: a district it works in, a team with its employee, a
/// grant to that employee for its recipient, and an area and an emergency grant for them.
private struct ForeignGrants {
    let district: DistrictID
    let team: TeamID
    let grant: GrantID
    let areaGrant: AreaGrantID
    let emergencyGrant: EmergencyGrantID

    init(_ access: AccessStore, employee: EmployeeID, recipient: RecipientID) throws {
        let now = WallTime.now()
        district = try access.createDistrict(name: "Söderort")
        try access.addDistrict(district, toProvider: "org-soder")
        team = try access.createTeam(provider: "org-soder", name: "Söder night")
        try access.addMember(employee, toTeam: team)
        grant = try access.grant(
            ProviderGrant(
                provider: "org-soder", subject: .employee(employee), target: .recipient(recipient),
                validity: Period(start: now)))
        areaGrant = try access.grantArea(employee: employee, district: district, validity: Period(start: now))
        emergencyGrant = try access.grantEmergency(
            employee: employee, target: .recipient(recipient),
            validity: Period(start: now, end: WallTime(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 600_000)),
            reason: "safety_alarm")
    }

    /// Every organisation, district, team, membership and grant, to show that no refused call
    /// changed one.
    static func snapshot(_ database: any Database) throws -> [SQLRow] {
        try database.read { connection in
            try connection.execute(
                """
                SELECT 'organisation' AS kind, id AS name, name AS detail, CAST(NULL AS BIGINT) AS flag FROM organisations
                UNION ALL SELECT 'district', CAST(district_id AS TEXT), provider_id, NULL FROM provider_districts
                UNION ALL SELECT 'team', CAST(id AS TEXT), name, NULL FROM teams
                UNION ALL SELECT 'member', CAST(team_id AS TEXT), CAST(employee_id AS TEXT), NULL FROM team_members
                UNION ALL SELECT 'grant', CAST(id AS TEXT), provider_id, valid_to FROM grants
                UNION ALL SELECT 'area', CAST(id AS TEXT), CAST(employee_id AS TEXT), valid_to FROM area_grants
                UNION ALL SELECT 'emergency', CAST(id AS TEXT), CAST(employee_id AS TEXT), valid_to FROM emergency_grants
                ORDER BY 1, 2, 3
                """, [])
        }
    }
}
