import Foundation
import KeyCore
import Observability
import PortvaktProtocol

/// A dock simulated on a Unix socket in the station's state directory: each connection is one
/// key being docked, played by `portvakt key dock` (``SimulatedKey``).
///
/// A connection that does not open with a valid key hello is told why in a failure frame and
/// closed; the dock goes on waiting for the next key.
public final class SimulatedDock: KeyDock {
    /// The socket file's name inside the state directory.
    public static let socketName = "dock.sock"

    private let listener: UnixSocketListener
    private let timeout: Duration
    private let timeZone: TimeZone
    private let logger: Logger

    /// Listens at `directory/dock.sock`.
    ///
    /// - Parameters:
    ///   - timeout: how long the dock waits for each frame from a key.
    ///   - timeZone: the office's time zone, for the times shown to the employee.
    /// - Throws: ``DockError/unavailable(_:)`` when the socket cannot be created.
    public init(
        directory: String, timeout: Duration = .seconds(10), timeZone: TimeZone = .current, logger: Logger
    ) throws(DockError) {
        listener = try UnixSocketListener(path: Self.socketPath(in: directory))
        self.timeout = timeout
        self.timeZone = timeZone
        self.logger = logger
    }

    /// The socket's path for a state directory.
    public static func socketPath(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(socketName)
    }

    /// See ``KeyDock/nextKey()``: waits for a connection that opens with a valid key hello.
    public func nextKey() async throws -> any DockedKey {
        let stop = StopFlag()
        return try await withTaskCancellationHandler {
            try await Blocking.run { () throws -> any DockedKey in try self.waitForKey(until: stop) }
        } onCancel: {
            stop.set()
        }
    }

    /// Stops listening and removes the socket.
    public func close() {
        listener.close()
    }

    private func waitForKey(until stop: StopFlag) throws -> any DockedKey {
        while true {
            if stop.isSet { throw CancellationError() }
            guard let connection = try listener.accept(waiting: .milliseconds(200)) else { continue }
            do {
                let frame = try connection.readFrame(timeout: timeout)
                guard frame.kind == .keyHello else {
                    throw DockError.badFrame(DockFrameError.unexpected(frame.kind).description)
                }
                let hello: KeyHelloPayload
                do {
                    hello = try KeyHelloPayload.decode(frame.payload)
                } catch {
                    throw DockError.badFrame(error.description)
                }
                return SocketDockedKey(
                    hello: hello, connection: connection, timeout: timeout, timeZone: timeZone, logger: logger)
            } catch let error as DockError {
                logger.warning("dock connection refused", ["dock.error": .string(error.description)])
                try? connection.writeFrame(DockFrame(.failure, text: error.description))
                connection.drainAndClose()
            }
        }
    }
}

/// A key on the other end of a dock socket connection.
final class SocketDockedKey: DockedKey {
    let serial: String
    let publicKey: [UInt8]
    let battery: BatteryReading
    let hasTrustAnchors: Bool
    private let connection: UnixSocketConnection
    private let timeout: Duration
    private let timeZone: TimeZone
    private let logger: Logger

    init(
        hello: KeyHelloPayload, connection: UnixSocketConnection, timeout: Duration, timeZone: TimeZone, logger: Logger
    ) {
        serial = hello.serial
        publicKey = hello.publicKey
        battery = hello.battery
        hasTrustAnchors = hello.hasTrustAnchors
        self.connection = connection
        self.timeout = timeout
        self.timeZone = timeZone
        self.logger = logger
    }

    func installTrustAnchors(_ anchors: [TrustAnchor]) async throws {
        let answer = try await roundTrip(DockFrame(.trustAnchors, TrustAnchorsPayload.encode(anchors)))
        guard answer.kind == .anchorsInstalled else { throw unexpected(answer) }
    }

    func exchange(_ message: [UInt8]) async throws -> [UInt8] {
        let answer = try await roundTrip(DockFrame(.message, message))
        guard answer.kind == .reply else { throw unexpected(answer) }
        return answer.payload
    }

    func show(_ result: DockResult) async {
        let now = UInt64(Date().timeIntervalSince1970)
        let payload = ResultPayload(ready: result.isReady, line: result.displayText(timeZone: timeZone, now: now))
        let connection = connection
        try? await Blocking.run { try connection.writeFrame(DockFrame(.result, payload.encoded)) }
        connection.close()
    }

    /// Sends a frame and waits for the key's answer; a refusal becomes ``DockError/keyRefused(_:)``.
    private func roundTrip(_ frame: DockFrame) async throws -> DockFrame {
        let connection = connection
        let timeout = timeout
        let answer = try await Blocking.run { () throws -> DockFrame in
            try connection.writeFrame(frame)
            return try connection.readFrame(timeout: timeout)
        }
        if answer.kind == .refusal { throw DockError.keyRefused(answer.text) }
        return answer
    }

    private func unexpected(_ frame: DockFrame) -> DockError {
        if frame.kind == .failure { return .keyRefused(frame.text) }
        let error = DockError.badFrame(DockFrameError.unexpected(frame.kind).description)
        try? connection.writeFrame(DockFrame(.failure, text: error.description))
        connection.drainAndClose()
        return error
    }
}
