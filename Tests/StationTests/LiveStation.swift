import Foundation
import KeyCore
import Observability
import PortvaktCLI
import PortvaktProtocol
import ProtocolTesting
import Synchronization

@testable import Station

/// A station enrolled with a real code through `portvakt station enrol`, and assembled as
/// `portvakt station run` assembles it: link transport over the uplink, simulated dock, daemon.
///
/// Keys are docked by running ``SimulatedKey`` against the dock's socket, as `portvakt key dock`
/// does; their files live in the station's temporary directory.
struct LiveStation {
    let directory: TemporaryDirectory
    let store: StationStore
    let identity: StationIdentity
    let uplink: Uplink
    let dock: SimulatedDock
    let daemon: StationDaemon
    let sink = MemoryLogSink()

    /// Enrols at the first of `servers` that answers and assembles the daemon.
    ///
    /// - Parameters:
    ///   - clock: the station's Unix milliseconds, sealed into every request.
    ///   - sleep: the daemon's waits between periodic work.
    init(
        code: String, servers: [String],
        clock: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) throws {
        directory = try TemporaryDirectory()
        let state = directory.file("state")
        let enrolled = Self.run(
            ["station", "enrol", "--state", state] + servers.flatMap { ["--server", $0] } + ["--code", code])
        guard enrolled.code == 0 else { throw LiveServerError("enrolment failed: \(enrolled.err)") }

        store = try StationStore(directory: state)
        guard let identity = try store.identity() else { throw LiveServerError("enrolment stored no identity") }
        self.identity = identity
        let uplink = Uplink(
            addresses: try store.serverAddresses(),
            client: HTTPClient(connectTimeout: .seconds(2), readTimeout: .seconds(10)))
        self.uplink = uplink
        let api = JSONStationAPI(transport: try LinkTransport(identity: identity, uplink: uplink, clock: clock))
        dock = try SimulatedDock(
            directory: directory.path, timeZone: TimeZone(identifier: "UTC")!, logger: .disabled)
        daemon = StationDaemon(
            store: store, identity: identity, api: api, dock: dock,
            settings: StationDaemon.Settings(softwareVersion: "test"), logger: Logger(label: "station", sink: sink),
            clock: clock, sleep: sleep, uplinkInUse: { uplink.routeInUse })
    }

    /// Runs `portvakt` in-process and captures what it prints.
    static func run(_ arguments: [String]) -> (code: Int32, out: String, err: String) {
        let out = Mutex("")
        let err = Mutex("")
        let console = Console(
            out: { text in out.withLock { $0 += text } }, err: { text in err.withLock { $0 += text } })
        let code = PortvaktCLI.run(["portvakt"] + arguments, console: console)
        return (code, out.withLock { $0 }, err.withLock { $0 })
    }

    /// Where the key called `name` keeps its state.
    func keyFile(_ name: String) -> String { directory.file(name + ".key") }

    /// The state of the key called `name`, as its file holds it.
    func key(_ name: String) throws -> FileKeyStore {
        try FileKeyStore.openOrCreate(path: keyFile(name), serial: nil)
    }

    /// Docks the key called `name` and serves it here, for a daemon that is not running.
    func dockAndServe(_ name: String, serial: String) async throws -> ResultPayload {
        let outcome = Task.detached { [self] in try await dockKey(name, serial: serial) }
        await daemon.serve(try await dock.nextKey())
        return try await outcome.value
    }

    /// Plays the key called `name` being docked; a running daemon serves it.
    func dockKey(_ name: String, serial: String) async throws -> ResultPayload {
        let path = keyFile(name)
        let socket = SimulatedDock.socketPath(in: directory.path)
        return try await Blocking.run {
            var key = try SimulatedKey(store: FileKeyStore.openOrCreate(path: path, serial: serial))
            return try key.dock(socketPath: socket, timeout: testPatience)
        }
    }

    /// Runs `count` door transactions between the key called `name` and `lock`, as the radio
    /// would, and saves the key: each leaves the key's passage and the lock's batch on the key.
    func openDoor(_ name: String, _ lock: inout TestLock, times count: Int = 1) throws {
        var key = try SimulatedKey.makeCore(try self.key(name))
        for _ in 0..<count {
            let answer = try key.answer(lock.challenge())
            for update in answer.revocationUpdates { _ = lock.receive(update) }
            let outcome = try key.accept(lock.receive(answer.presentation))
            guard outcome.opened else { throw LiveServerError("the lock refused: \(outcome.reason)") }
            if let receipt = outcome.receipt { _ = lock.receive(receipt) }
        }
        try key.store.save()
    }

    /// Sequences of the entries the key called `name` still carries.
    func carried(_ name: String) throws -> [UInt32] {
        try key(name).uploads.map(\.sequence)
    }

    /// The `queue.id`, `sync.stored` and `sync.known` of each forwarded report, in the order
    /// they were forwarded.
    var forwarded: [(id: Int, stored: Int, known: Int)] {
        sink.lines.filter { $0.contains("\"msg\":\"queued report forwarded\"") }.compactMap { line in
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = json["queue.id"] as? Int, let stored = json["sync.stored"] as? Int,
                let known = json["sync.known"] as? Int
            else { return nil }
            return (id, stored, known)
        }
    }
}
