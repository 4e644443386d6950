import Accounts
import Authorization
import Crypto
import Foundation
import KeyCore
import LockCore
import Observability
import PortvaktCLI
import PortvaktProtocol
import PortvaktServer
import PortvaktTesting
import ProtocolTesting
import Storage
import Synchronization
import Testing

@testable import Station

/// The whole way on loopback: a real server, a station enrolled with a real code, a simulated
/// key docked at it, the key opening a real lock, and the lock's events riding home.
@Suite("Station end to end")
struct EndToEndTests {
    /// The issuer of `DoorFixture`, so its locks trust what the server signs and its intake
    /// opens what they seal.
    let fixture = DoorFixture()
    let lockID = DoorFixture.lockID(0xA1)

    /// The fixture's seeds: signing 0x11 for issuer 1, event key 0x33; a fresh link key.
    let serverKeys = try! ServerKeys(
        issuerID: 1, issuerSeed: [UInt8](repeating: 0x11, count: 32), eventSeed: [UInt8](repeating: 0x33, count: 32),
        linkSeed: RandomBytes.generate(32))

    /// A provider employee with key `K-100`, granted the apartment whose door has `lockID`.
    private func seedAccess(_ database: any Database) throws {
        try DemoData.seed(database)
        let store = AccessStore(database: database)
        let past = WallTime(millisecondsSinceEpoch: WallTime.now().millisecondsSinceEpoch - 86_400_000)
        let district = try store.createDistrict(name: "Kungsholmen")
        try store.addDistrict(district, toProvider: "org-norr")
        let building = try store.createBuilding(address: "Fleminggatan 1", district: district)
        let door = try store.addDoor(to: building, kind: .apartment, label: "2 tr")
        try store.installLock(lockID.bytes.map { String(format: "%02x", $0) }.joined(), on: door, at: past)
        let recipient = try store.registerRecipient(alarmCode: "4711", provider: "org-norr", from: past)
        try store.moveIn(recipient, door: door, from: past)
        let employee = try store.registerEmployee(provider: "org-norr", number: "100", displayName: "Demo Employee")
        let key = try store.registerKey(provider: "org-norr", serial: "K-100")
        try store.assignKey(key, to: employee)
        _ = try store.grant(
            ProviderGrant(
                provider: "org-norr", subject: .employee(employee), target: .recipient(recipient),
                validity: Period(start: past)))
    }

    /// A new station's one-time code, as an administrator gets it.
    private func createStation(port: UInt16, bearer: String) throws -> String {
        let response = try TestHTTPClient.request(
            port: port, "POST", "/api/v1/stations",
            headers: [("Authorization", "Bearer \(bearer)"), ("Content-Type", "application/json")],
            body: Array(#"{"name":"Kungsholmen office","organisationID":"org-norr"}"#.utf8))
        #expect(response.status == 201, "\(response.text)")
        return try #require(response.json?["enrolmentCode"] as? String)
    }

    private func run(_ arguments: String...) -> (code: Int32, out: String, err: String) {
        let out = Mutex("")
        let err = Mutex("")
        let console = Console(
            out: { text in out.withLock { $0 += text } }, err: { text in err.withLock { $0 += text } })
        let code = PortvaktCLI.run(["portvakt"] + arguments, console: console)
        return (code, out.withLock { $0 }, err.withLock { $0 })
    }

    /// Docks the key in `file` at the station in `directory` while `daemon` serves it.
    private func dock(_ file: String, at directory: TemporaryDirectory, _ daemon: StationDaemon, _ dock: SimulatedDock)
        async throws -> ResultPayload
    {
        let socket = SimulatedDock.socketPath(in: directory.path)
        let outcome = Task.detached {
            try await Blocking.run {
                var key = try SimulatedKey(store: FileKeyStore.openOrCreate(path: file, serial: "K-100"))
                return try key.dock(socketPath: socket, timeout: testPatience)
            }
        }
        await daemon.serve(try await dock.nextKey())
        return try await outcome.value
    }

    /// A door event as `GET /api/v1/events` lists it.
    private struct DoorEvent: Decodable {
        var source: String
        var lockID: String
        var counter: Int64
        var kind: String
        var keyID: String?
    }

    private struct EventPage: Decodable {
        var items: [DoorEvent]
    }

    /// The door events the bearer may read, oldest first.
    private func events(port: UInt16, bearer: String, query: String = "") throws -> [DoorEvent] {
        let response = try TestHTTPClient.request(
            port: port, "GET", "/api/v1/events" + query, headers: [("Authorization", "Bearer \(bearer)")])
        #expect(response.status == 200, "\(response.text)")
        return try JSONDecoder().decode(EventPage.self, from: Data(response.body)).items
    }

    /// Runs a door transaction between the key in `file` and `lock`, as the radio would, and
    /// saves the key.
    private func openDoor(_ file: String, _ lock: inout TestLock) throws -> Decision {
        var key = try SimulatedKey.makeCore(try FileKeyStore.openOrCreate(path: file, serial: nil))
        let challenge = lock.challenge()
        let answer = try key.answer(challenge)
        for update in answer.revocationUpdates { _ = lock.receive(update) }
        let reply = lock.receive(answer.presentation)
        let outcome = try key.accept(reply)
        if let receipt = outcome.receipt { _ = lock.receive(receipt) }
        try key.store.save()
        return try Decision.decode(reply)
    }

    @Test(
        "enrol, dock, open a door, and carry the lock's events home; offline docks use prefetched credentials",
        arguments: TestBackend.all)
    func wholeWay(backend: TestBackend) async throws {
        try await backend.withDatabaseAsync { test in try await wholeWay(test) }
    }

    private func wholeWay(_ test: TestDatabase) async throws {
        var harness = try ServerHarness.start(test.database, keys: serverKeys)
        defer { harness.server.shutdown() }
        try seedAccess(test.database)
        let admin = try BootstrapTokens.create(
            organisationID: "org-central", role: .centralAdministrator, name: "test", days: 1,
            database: test.database, now: WallTime.now().millisecondsSinceEpoch, actor: "test"
        ).bearer

        // An administrator creates the station; it enrols with the code, the wired route first.
        let code = try createStation(port: harness.port, bearer: admin)
        let directory = try TemporaryDirectory()
        let state = directory.file("state")
        let dead = "http://127.0.0.1:\(try CannedTCPServer.closedPort())"
        let live = "http://127.0.0.1:\(harness.port)"
        let enrolled = run("station", "enrol", "--state", state, "--server", dead, "--server", live, "--code", code)
        #expect(enrolled.code == 0, "\(enrolled.err)")
        #expect(enrolled.out.hasPrefix("enrolled: station "))

        // The station as 'portvakt station run' assembles it.
        let store = try StationStore(directory: state)
        defer { store.close() }
        let identity = try #require(try store.identity())
        #expect(identity.organisationID == "org-norr")
        let uplink = Uplink(
            addresses: try store.serverAddresses(), client: HTTPClient(connectTimeout: .seconds(2)))
        let clock: @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
        let api = JSONStationAPI(transport: try LinkTransport(identity: identity, uplink: uplink, clock: clock))
        let dockDirectory = try TemporaryDirectory()
        let simulatedDock = try SimulatedDock(
            directory: dockDirectory.path, timeZone: TimeZone(identifier: "UTC")!, logger: .disabled)
        defer { simulatedDock.close() }
        let sink = MemoryLogSink()
        let daemon = StationDaemon(
            store: store, identity: identity, api: api, dock: simulatedDock,
            settings: StationDaemon.Settings(softwareVersion: "test"), logger: Logger(label: "station", sink: sink),
            uplinkInUse: { uplink.routeInUse })

        // First dock: the key gets its trust anchor, is bound to K-100, and is activated.
        let keyFile = directory.file("key")
        let first = try await dock(keyFile, at: dockDirectory, daemon, simulatedDock)
        #expect(first.ready, "\(first.line)")
        #expect(first.line.hasPrefix("ready: 1 door, valid until "))
        #expect(uplink.addressInUse?.description == live)
        #expect(uplink.routeInUse == "2 of 2: 127.0.0.1:\(harness.port)")

        // A heartbeat tells the server the station's state.
        daemon.sendHeartbeat()
        #expect(try store.value(.lastHeartbeatAt) != nil)
        let seen = try TestHTTPClient.request(
            port: harness.port, "GET", "/api/v1/stations/\(identity.stationID)",
            headers: [("Authorization", "Bearer \(admin)")])
        #expect(seen.json?["uplink"] as? String == uplink.routeInUse)
        #expect(seen.json?["queueCapacity"] as? Int == 100_000)
        #expect(seen.json?["online"] as? Bool == true)
        let activated = try FileKeyStore.openOrCreate(path: keyFile, serial: nil)
        #expect(activated.activation?.permissions.map(\.lockID) == [lockID])
        #expect(activated.trustAnchors == [fixture.issuerKey.trustAnchor()])

        // The key opens the door; the lock's log and the key's passage ride on the key.
        let now = UInt64(Date().timeIntervalSince1970)
        var lock = fixture.makeLock(id: lockID, clock: TestClock(now: now))
        let decision = try openDoor(keyFile, &lock)
        #expect(decision.opened)
        let carried = try FileKeyStore.openOrCreate(path: keyFile, serial: nil).uploads
        #expect(carried.map(\.kind) == [.ownEvent, .lockBatch])
        #expect(lock.store.state.deliveredThrough == decision.batchThrough)

        // Next dock: the entries are stored by the server, acknowledged, and deleted on the key.
        let second = try await dock(keyFile, at: dockDirectory, daemon, simulatedDock)
        #expect(second.ready)
        #expect(try FileKeyStore.openOrCreate(path: keyFile, serial: nil).uploads.isEmpty)
        #expect(try store.queueStatus().depth == 0)

        // The central unit sees the door events, attributed to the key that opened.
        let lockHex = lockID.bytes.map { String(format: "%02x", $0) }.joined()
        let doorEvents = try events(port: harness.port, bearer: admin)
        #expect(doorEvents.map(\.kind) == ["revocation_installed", "opened"])
        #expect(doorEvents.allSatisfy { $0.lockID == lockHex && $0.source == "lock" })
        #expect(doorEvents.last?.counter == 2)
        #expect(doorEvents.last?.keyID != nil)
        let keyEvents = try events(port: harness.port, bearer: admin, query: "?source=key")
        #expect(keyEvents.map(\.kind) == ["passage"])

        // The server goes away: a dock still gets the prefetched credential, and the report waits.
        daemon.prefetch()
        #expect(try store.prefetchedCount() == 1)
        let decisionOffline = try openDoor(keyFile, &lock)
        #expect(decisionOffline.opened)
        let port = harness.port
        harness.server.shutdown()
        let offline = try await dock(keyFile, at: dockDirectory, daemon, simulatedDock)
        #expect(offline.ready, "\(offline.line)")
        #expect(try store.queueStatus().depth == 1)
        #expect(try FileKeyStore.openOrCreate(path: keyFile, serial: nil).uploads.count == 2)

        // It returns: the queue is forwarded, and the next dock clears the key.
        harness = try ServerHarness.start(test.database, keys: serverKeys, port: port)
        daemon.forwardQueue()
        #expect(try store.queueStatus().depth == 0, "\(sink.lines.joined())")
        #expect(try events(port: harness.port, bearer: admin).map(\.counter) == [1, 2, 3])
        let back = try await dock(keyFile, at: dockDirectory, daemon, simulatedDock)
        #expect(back.ready)
        #expect(try FileKeyStore.openOrCreate(path: keyFile, serial: nil).uploads.isEmpty)
        #expect(sink.lines.contains { $0.contains("\"msg\":\"queued report forwarded\"") })
    }

    @Test("'portvakt station run' serves 'portvakt key dock' and stops cleanly on SIGTERM", arguments: TestBackend.all)
    func commandLine(backend: TestBackend) async throws {
        try await backend.withDatabaseAsync { test in
            let harness = try ServerHarness.start(test.database, keys: serverKeys)
            defer { harness.server.shutdown() }
            try seedAccess(test.database)
            let admin = try BootstrapTokens.create(
                organisationID: "org-norr", role: .providerAdministrator, name: "test", days: 1,
                database: test.database, now: WallTime.now().millisecondsSinceEpoch, actor: "test"
            ).bearer
            let code = try createStation(port: harness.port, bearer: admin)
            let directory = try TemporaryDirectory()
            let state = directory.file("state")
            let server = "http://127.0.0.1:\(harness.port)"
            #expect(run("station", "enrol", "--state", state, "--server", server, "--code", code).code == 0)

            // The executable sits beside the test bundle.
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("portvakt")
            try #require(
                FileManager.default.isExecutableFile(atPath: executable.path), "build the portvakt executable first")
            let process = Process()
            process.executableURL = executable
            process.arguments = ["station", "run", "--state", state, "--log-level", "info"]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let socket = SimulatedDock.socketPath(in: state)
            for _ in 0..<300 where !FileManager.default.fileExists(atPath: socket) {
                try await Task.sleep(for: .milliseconds(100))
            }

            let docked = try await Blocking.run { [self] in
                run("key", "dock", "--station", state, "--key", directory.file("key"), "--serial", "K-100")
            }
            #expect(docked.code == 0, "\(docked.err)")
            #expect(docked.out.hasPrefix("ready: 1 door, valid until "))
            let status = run("station", "status", "--state", state)
            #expect(status.out.contains("organisation:   org-norr"))
            #expect(status.out.contains("queue:          0 of 100000 reports"))

            process.terminate()
            process.waitUntilExit()
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(log.contains("\"msg\":\"station started\""))
            #expect(log.contains("\"msg\":\"report delivered\""))
            #expect(log.contains("\"msg\":\"station stopped\""))
            #expect(!FileManager.default.fileExists(atPath: socket))
        }
    }
}
