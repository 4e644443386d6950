import Dispatch
import Foundation
import KeyCore
import Observability
import PortvaktProtocol
import ProtocolTesting
import Testing

@testable import Station

@Suite("Simulated dock")
struct SimulatedDockTests {
    let fixture = DoorFixture()

    /// Docks the key in `file` on a background thread and hands back its outcome.
    private func dockInBackground(_ directory: TemporaryDirectory, file: String, serial: String = "K-7")
        -> Task<ResultPayload, any Error>
    {
        Task.detached {
            try await Blocking.run {
                var key = try SimulatedKey(store: FileKeyStore.openOrCreate(path: directory.file(file), serial: serial))
                return try key.dock(socketPath: SimulatedDock.socketPath(in: directory.path), timeout: testPatience)
            }
        }
    }

    @Test("a docked key says who it is, takes its anchors once, reports, and sees the result")
    func session() async throws {
        let directory = try TemporaryDirectory()
        let dock = try SimulatedDock(
            directory: directory.path, timeZone: TimeZone(identifier: "UTC")!, logger: .disabled)
        defer { dock.close() }
        let outcome = dockInBackground(directory, file: "key")

        let key = try await dock.nextKey()
        #expect(key.serial == "K-7")
        #expect(key.publicKey.count == 32)
        #expect(!key.hasTrustAnchors)
        try await key.installTrustAnchors([fixture.issuerKey.trustAnchor()])
        let hello = SyncHello(nonce: [UInt8](repeating: 3, count: 32), stationTime: 0).encoded
        let report = try fixture.intake.verifyReport(
            try await key.exchange(hello), hello: hello, keyPublicKey: key.publicKey)
        #expect(report.entries.isEmpty)
        await #expect(throws: DockError.keyRefused("malformed(PortvaktProtocol.WireError.truncated(offset: 4))")) {
            try await key.exchange(Array(hello.prefix(8)))
        }
        await key.show(.notReady(.refused(.keyBlocked)))
        let shown = try await outcome.value
        #expect(shown == ResultPayload(ready: false, line: "not ready: key reported lost. Contact the central unit."))

        let stored = try FileKeyStore.openOrCreate(path: directory.file("key"), serial: nil)
        #expect(stored.trustAnchors == [fixture.issuerKey.trustAnchor()])
    }

    @Test("a key that already holds anchors refuses new ones")
    func anchorsOnce() async throws {
        let directory = try TemporaryDirectory()
        var store = try FileKeyStore.openOrCreate(path: directory.file("key"), serial: "K-7")
        store.trustAnchors = [fixture.issuerKey.trustAnchor()]
        try store.save()
        let dock = try SimulatedDock(directory: directory.path, logger: .disabled)
        defer { dock.close() }
        let outcome = dockInBackground(directory, file: "key")

        let key = try await dock.nextKey()
        #expect(key.hasTrustAnchors)
        let stranger = DoorFixture(issuerID: 9, issuerSeed: 0x77).issuerKey.trustAnchor()
        await #expect(throws: DockError.keyRefused("the key already holds trust anchors and keeps them")) {
            try await key.installTrustAnchors([stranger])
        }
        await key.show(.ready(doors: 1, validUntil: 0))
        #expect(try await outcome.value.ready)
        #expect(
            try FileKeyStore.openOrCreate(path: directory.file("key"), serial: nil).trustAnchors.first?.issuerID == 1)
    }

    // The dock's own timeout is short, so the silent connection is dropped soon; the test's
    // side waits with `testPatience`, as the task serving the dock may start late.
    @Test("garbage on the dock socket gets a clear answer and the dock keeps serving keys")
    func garbage() async throws {
        let directory = try TemporaryDirectory()
        let sink = MemoryLogSink()
        let dock = try SimulatedDock(
            directory: directory.path, timeout: .seconds(2), logger: Logger(label: "test", sink: sink))
        defer { dock.close() }
        let socketPath = SimulatedDock.socketPath(in: directory.path)
        let waiting = Task { try await dock.nextKey() }

        for garbage in [
            Array("GET / HTTP/1.1\r\n\r\n".utf8), DockFrame(.reply, [1]).encoded, DockFrame(.keyHello, [0]).encoded,
            [0x50, 0x44, 0x01, 0xFF, 0xFF, 0xFF, 0xFF],
        ] {
            let answer = try await Blocking.run { () throws -> DockFrame in
                let connection = try UnixSocketConnection.connect(to: socketPath)
                try connection.write(garbage)
                return try connection.readFrame(timeout: testPatience)
            }
            #expect(answer.kind == .failure)
            #expect(answer.text.contains("frame"))
        }
        let silent = try UnixSocketConnection.connect(to: socketPath)
        defer { silent.close() }

        let outcome = dockInBackground(directory, file: "key")
        let key = try await waiting.value
        #expect(key.serial == "K-7")
        await key.show(.notReady(.sessionFailed))
        #expect(try await outcome.value.line == "not ready: the dock lost contact with the key. Dock it again.")
        #expect(sink.lines.filter { $0.contains("dock connection refused") }.count == 5)
    }

    @Test("the dock refuses to run where a non-socket file holds its path")
    func occupiedPath() throws {
        let directory = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: SimulatedDock.socketPath(in: directory.path), contents: Data())
        #expect(throws: DockError.self) { try SimulatedDock(directory: directory.path, logger: .disabled) }
    }
}
