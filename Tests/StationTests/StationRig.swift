import Crypto
import Foundation
import KeyCore
import Observability
import PortvaktProtocol
import ProtocolTesting

@testable import Station

/// A station with a simulated dock, over `api`, in a temporary directory; keys are docked by
/// running ``SimulatedKey`` against the dock's socket, as `portvakt key dock` does.
struct StationRig {
    let directory: TemporaryDirectory
    let store: StationStore
    let dock: SimulatedDock
    let daemon: StationDaemon
    let sink = MemoryLogSink()

    init(
        directory: TemporaryDirectory, store: StationStore, api: any StationAPI, serverKeys: PinnedServerKeys,
        stationID: String = "stn-test",
        clock: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
    ) throws {
        self.directory = directory
        self.store = store
        dock = try SimulatedDock(directory: directory.path, timeZone: TimeZone(identifier: "UTC")!, logger: .disabled)
        let identity = StationIdentity(
            stationID: stationID, organisationID: "org-norr", privateKey: Ed25519.PrivateKey.generate(),
            serverKeys: serverKeys, enrolledAt: 0)
        daemon = StationDaemon(
            store: store, identity: identity, api: api, dock: dock,
            settings: StationDaemon.Settings(softwareVersion: "test"), logger: Logger(label: "station", sink: sink),
            clock: clock)
    }

    /// Docks the key kept in `name`, serves it, and returns what the key was shown.
    func dockKey(_ name: String, serial: String, battery: UInt8 = 80) async throws -> ResultPayload {
        let path = directory.file(name)
        let socket = SimulatedDock.socketPath(in: directory.path)
        let outcome = Task.detached {
            try await Blocking.run {
                var key = try SimulatedKey(
                    store: FileKeyStore.openOrCreate(
                        path: path, serial: serial, battery: BatteryReading(percent: battery, millivolts: 3_800)))
                return try key.dock(socketPath: socket, timeout: testPatience)
            }
        }
        await daemon.serve(try await dock.nextKey())
        return try await outcome.value
    }

    /// The state of the key kept in `name`.
    func key(_ name: String) throws -> FileKeyStore {
        try FileKeyStore.openOrCreate(path: directory.file(name), serial: nil)
    }

    /// Makes the key in `name` log `count` refused tries at locks it holds no permission for.
    func addEvents(to name: String, count: Int) throws {
        let fixture = DoorFixture()
        var core = try SimulatedKey.makeCore(try key(name))
        let clock = TestClock(now: UInt64(Date().timeIntervalSince1970))
        for index in 0..<count {
            var lock = fixture.makeLock(id: DoorFixture.lockID(UInt8(1 + index % 7)), clock: clock)
            _ = try? core.answer(lock.challenge())
        }
        try core.store.save()
    }
}
