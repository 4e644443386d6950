import Accounts
import Authorization
import CredentialIssuer
import EventLog
import Foundation
import KeyCore
import PortvaktProtocol
import PortvaktServer
import PortvaktTesting
import ProtocolTesting
import Testing

@Suite("Door events and findings over HTTP")
struct EventRouteTests {
    static let entrance = DoorFixture.lockID(0xE1)
    static let apartment = DoorFixture.lockID(0xA1)

    /// A running app in which two providers' staff and a stranger's key used a shared entrance,
    /// and the two keys have docked, the Söder key first.
    private struct Setup {
        let harness: AppHarness
        let norrKey: String
        let soderKey: String
        let bearers: [Role: String]
        let soderAuditor: String

        func get(_ path: String, as bearer: String) throws -> TestHTTPResponse {
            try TestHTTPClient.request(
                port: harness.port, "GET", path, headers: [("Authorization", "Bearer \(bearer)")])
        }

        func items(_ path: String, as bearer: String) throws -> [[String: Any]] {
            let response = try get(path, as: bearer)
            #expect(response.status == 200, "\(path): \(response.text)")
            return response.json?["items"] as? [[String: Any]] ?? []
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

            let fixture = DoorFixture()
            let clock = TestClock(now: DoorFixture.monday0800 + 3_600)
            let access = AccessStore(database: test.database)
            let norrID = try access.registerKey(provider: "org-norr", serial: "NORR-1").rawValue
            let soderID = try access.registerKey(provider: "org-soder", serial: "SODER-1").rawValue
            var norr = fixture.makeKey(seed: 0x51, clock: clock)
            try fixture.activate(
                &norr, permissions: [Permission(lockID: Self.apartment), Permission(lockID: Self.entrance)])
            var soder = fixture.makeKey(seed: 0x52, clock: clock)
            try fixture.activate(&soder, permissions: [Permission(lockID: Self.entrance)])
            let strangerIssuer = DoorFixture(issuerID: 9, issuerSeed: 0x77)
            var stranger = strangerIssuer.makeKey(seed: 0x53, clock: clock)
            try strangerIssuer.activate(&stranger, permissions: [Permission(lockID: Self.entrance)])

            var entrance = fixture.makeLock(id: Self.entrance, clock: clock)
            var apartment = fixture.makeLock(id: Self.apartment, clock: clock)
            #expect(try runDoor(key: &norr, lock: &entrance).decision.opened)
            clock.now! += 60
            #expect(try !runDoor(key: &stranger, lock: &entrance).decision.opened)
            clock.now! += 60
            #expect(try runDoor(key: &soder, lock: &entrance).decision.opened)
            clock.now! += 60
            #expect(try runDoor(key: &norr, lock: &apartment).decision.opened)

            let ingestor = EventIngestor(intake: fixture.intake, now: { now })
            for (key, id) in [(soder, soderID), (norr, norrID)] {
                var key = key
                let hello = SyncHello(nonce: [UInt8](repeating: UInt8(id), count: 32), stationTime: 0)
                let bytes = try key.report(
                    hello: hello.encoded, battery: BatteryReading(percent: 90, millivolts: 4_000))
                let report = try fixture.intake.verifyReport(bytes, hello: hello.encoded, keyPublicKey: key.publicKey)
                try test.database.write { connection in
                    _ = try ingestor.ingest(report: report, key: id, publicKey: key.publicKey, in: connection)
                }
            }

            var bearers: [Role: String] = [:]
            for role in Role.allCases {
                bearers[role] = try bearer(role.isCentral ? "org-central" : "org-norr", role)
            }
            try body(
                Setup(
                    harness: harness, norrKey: String(norrID), soderKey: String(soderID), bearers: bearers,
                    soderAuditor: try bearer("org-soder", .auditor)))
        }
    }

    private static func hex(_ lockID: LockID) -> String {
        LockIdentity.text(lockID)
    }

    @Test("a provider sees only its own keys' events, also on a shared entrance", arguments: TestBackend.all)
    func providerScope(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let soder = try setup.items("/api/v1/events", as: setup.soderAuditor)
            #expect(soder.map { $0["keyID"] as? String } == [setup.soderKey])
            #expect(soder.first?["lockID"] as? String == Self.hex(Self.entrance))
            #expect(soder.first?["counter"] as? Int == 3)
            let soderText = try setup.get("/api/v1/events?lock=\(Self.hex(Self.entrance))", as: setup.soderAuditor).text
            #expect(!soderText.contains("\"keyID\":\"\(setup.norrKey)\""))

            let norr = try setup.items("/api/v1/events", as: setup.bearers[.auditor]!)
            #expect(norr.map { $0["keyID"] as? String } == [setup.norrKey, setup.norrKey])
            #expect(norr.map { $0["lockID"] as? String } == [Self.hex(Self.entrance), Self.hex(Self.apartment)])
            let norrByKey = try setup.items("/api/v1/events?key=\(setup.soderKey)", as: setup.bearers[.auditor]!)
            #expect(norrByKey.isEmpty)

            let own = try setup.items("/api/v1/events?source=key", as: setup.soderAuditor)
            #expect(own.map { $0["kind"] as? String } == ["passage"])
            #expect(own.first?["keyID"] as? String == setup.soderKey)
        }
    }

    @Test("the central unit sees every event, also those no known key caused, page by page", arguments: TestBackend.all)
    func centralSeesAll(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let central = setup.bearers[.centralAdministrator]!
            let all = try setup.items("/api/v1/events", as: central)
            #expect(all.count == 4)
            // Every lock event here links back to its lock's first event, so all are confirmed.
            #expect(all.map { $0["confirmed"] as? Bool } == [true, true, true, true])
            let refused = try #require(all.first { $0["kind"] as? String == "refused" })
            #expect(refused["keyID"] == nil)
            #expect(refused["reason"] as? String == "unknownIssuer")

            var paged: [[String: Any]] = []
            var path = "/api/v1/events?limit=1"
            while true {
                let response = try setup.get(path, as: central)
                #expect(response.status == 200)
                paged += response.json?["items"] as? [[String: Any]] ?? []
                guard let next = response.json?["next"] as? String, paged.count < 10 else { break }
                path = "/api/v1/events?limit=1&after=\(next)"
            }
            #expect(paged.map { $0["time"] as? Int } == all.map { $0["time"] as? Int })

            let onEntrance = try setup.items("/api/v1/events?lock=\(Self.hex(Self.entrance).uppercased())", as: central)
            #expect(onEntrance.map { $0["counter"] as? Int } == [1, 2, 3])
            let from = try #require(all[2]["time"] as? Int)
            let window = try setup.items("/api/v1/events?from=\(from)&to=\(from + 1)", as: central)
            #expect(window.map { $0["keyID"] as? String } == [setup.soderKey])
            #expect(try setup.get("/api/v1/events?lock=nope", as: central).status == 400)
            #expect(try setup.get("/api/v1/events?after=3", as: central).status == 400)
        }
    }

    @Test("door events are for log readers, findings for the central unit", arguments: TestBackend.all)
    func roles(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            for role in [Role.providerAdministrator, .planner, .centralOperator] {
                #expect(try setup.get("/api/v1/events", as: setup.bearers[role]!).status == 403, "\(role)")
            }
            for role in [Role.providerAdministrator, .planner, .auditor] {
                #expect(try setup.get("/api/v1/event-findings", as: setup.bearers[role]!).status == 403, "\(role)")
            }

            let findings = try setup.items("/api/v1/event-findings", as: setup.bearers[.centralOperator]!)
            #expect(findings.map { $0["kind"] as? String } == ["gap"])
            #expect(findings.first?["firstCounter"] as? Int == 1)
            #expect(findings.first?["resolvedAt"] != nil)
            let open = try setup.items("/api/v1/event-findings?open=true", as: setup.bearers[.centralAdministrator]!)
            #expect(open.isEmpty)
        }
    }
}
