import Accounts
import Audit
import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Data subject access: exporting a recipient")
struct RecipientExportTests {
    @Test(
        "the export holds the recipient's providers, home, locks and grants, and is audited", arguments: TestBackend.all
    )
    func export(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let day: Int64 = 24 * 3600 * 1000
            let store = AccessStore(database: test.database)
            let district = try store.createDistrict(name: "Norr")
            let building = try store.createBuilding(address: "Storgatan 1", district: district)
            let door = try store.addDoor(to: building, kind: .apartment, label: "1101")
            let start = WallTime(millisecondsSinceEpoch: now - 30 * day)
            let recipient = try store.registerRecipient(alarmCode: "TL-4711", provider: "org-norr", from: start)
            try store.moveIn(recipient, door: door, from: start)
            try store.installLock("lock-a", on: door, at: start)
            try store.changeProvider(
                of: recipient, to: "org-soder", effective: WallTime(millisecondsSinceEpoch: now - day))
            let employee = try store.registerEmployee(provider: "org-soder", number: "17", displayName: "A")
            _ = try store.grant(
                ProviderGrant(
                    provider: "org-soder", subject: .employee(employee), target: .recipient(recipient),
                    validity: Period(start: WallTime(millisecondsSinceEpoch: now))))
            _ = try store.grantEmergency(
                employee: employee, target: .door(door),
                validity: Period(
                    start: WallTime(millisecondsSinceEpoch: now), end: WallTime(millisecondsSinceEpoch: now + 3_600_000)
                ),
                reason: "safety alarm")

            let central = try BootstrapTokens.create(
                organisationID: "org-central", role: .centralAdministrator, name: "t", days: 1, database: test.database,
                now: now, actor: "test"
            ).bearer
            let response = try TestHTTPClient.request(
                port: harness.port, "GET", "/api/v1/recipient-export?alarmCode=TL-4711",
                headers: [("Authorization", "Bearer \(central)")])
            #expect(response.status == 200)
            let export = try JSONDecoder().decode(RecipientExport.self, from: Data(response.body))
            #expect(export.alarmCode == "TL-4711")
            #expect(export.providers.map(\.provider) == ["org-norr", "org-soder"])
            #expect(export.providers.first?.to == now - day)
            #expect(export.homes.map(\.address) == ["Storgatan 1"])
            #expect(export.homes.first?.locks.map(\.lockID) == ["lock-a"])
            #expect(export.grants.map(\.subjectID) == [employee.rawValue])
            #expect(export.emergencyGrants.map(\.reason) == ["safety alarm"])

            let last = try AuditTrail().entries(limit: 500, in: test.database).last
            #expect(last?.action == "recipient.export")
            #expect(last?.objectID == "TL-4711")
        }
    }

    @Test("only the central administrator may export, and an unknown alarm code is 404", arguments: TestBackend.all)
    func access(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func bearer(_ organisation: String, _ role: Role) throws -> String {
                try BootstrapTokens.create(
                    organisationID: organisation, role: role, name: "t", days: 1, database: test.database, now: now,
                    actor: "test"
                ).bearer
            }
            func answer(_ token: String, _ query: String) throws -> Int {
                let response = try TestHTTPClient.request(
                    port: harness.port, "GET", "/api/v1/recipient-export\(query)",
                    headers: [("Authorization", "Bearer \(token)")])
                return response.status
            }
            let central = try bearer("org-central", .centralAdministrator)
            #expect(try answer(bearer("org-norr", .providerAdministrator), "?alarmCode=X") == 403)
            #expect(try answer(bearer("org-central", .centralOperator), "?alarmCode=X") == 403)
            #expect(try answer(central, "?alarmCode=nobody") == 404)
            #expect(try answer(central, "") == 400)
        }
    }
}
