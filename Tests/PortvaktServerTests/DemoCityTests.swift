import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Storage
import Testing

@Suite("The demo city")
struct DemoCityTests {
    @Test(
        "seeds once, and its night patrol opens exactly its provider's homes and their entrances",
        arguments: TestBackend.all)
    func nightPatrol(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let first = try DemoCity.seed(test.database)
            #expect(first.buildings == 6 && first.locks == 24 && first.recipients == 18 && first.employees == 12)
            #expect(try DemoCity.seed(test.database) == DemoCity.Summary())

            // The homes of org-norr's recipients and the entrances of their buildings.
            let rows = try test.database.read {
                try $0.execute(
                    """
                    SELECT li.lock_id AS lock_id FROM recipient_providers rp
                    JOIN occupancies o ON o.recipient_id = rp.recipient_id
                    JOIN doors ap ON ap.id = o.door_id
                    JOIN doors d ON d.id = ap.id OR (d.building_id = ap.building_id AND d.kind = 'entrance')
                    JOIN lock_installations li ON li.door_id = d.id
                    WHERE rp.provider_id = 'org-norr'
                    """)
            }
            let expected = Set(try rows.map { try $0.text("lock_id") })
            #expect(!expected.isEmpty)

            let keyRow = try #require(
                try test.database.read {
                    try $0.first("SELECT id FROM keys WHERE serial = $1", [.text("DEMO-N-4")])
                })
            let key = try keyRow.integer("id")
            let now = WallTime.now().millisecondsSinceEpoch
            let shift = Period(
                start: WallTime(millisecondsSinceEpoch: now),
                end: WallTime(millisecondsSinceEpoch: now + 12 * 3_600_000))
            let permissions = try AccessStore(database: test.database).effectivePermissions(
                of: KeyID(key), during: shift)
            #expect(Set(permissions.permissions.map(\.lockID)) == expected)
            let night = try #require(permissions.permissions.first?.windows.first?.schedule)
            #expect(night.allows(minuteOfWeek: 23 * 60) && !night.allows(minuteOfWeek: 12 * 60))
        }
    }
}
