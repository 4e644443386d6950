import Foundation
import KeyCore
import PortvaktProtocol
import ProtocolCrypto

/// The key core a simulated key runs: libsodium crypto, the key's own Ed25519 signer, the host
/// clock and a file-backed store.
public typealias SimulatedKeyCore = KeyCore<SodiumProtocolCrypto, SodiumSigner, SystemKeyClock, FileKeyStore>

/// The host's clock, as a key's clock.
public struct SystemKeyClock: KeyClock, Sendable {
    /// The system clock.
    public init() {}

    /// See ``KeyClock/unixTime()``.
    public func unixTime() -> UInt64 { UInt64(Date().timeIntervalSince1970) }
}

/// One key being docked, played against a station's ``SimulatedDock`` socket: it says who it is,
/// then answers the station's messages with a real ``KeyCore`` on the key's file until the station
/// sends the result to show.
public struct SimulatedKey {
    /// The key, as the session left it.
    public private(set) var core: SimulatedKeyCore

    /// A key around an opened store.
    public init(store: FileKeyStore) throws(KeyFileError) {
        core = try Self.makeCore(store)
    }

    /// The core for a store: the store's anchors become the key's configuration.
    public static func makeCore(_ store: FileKeyStore) throws(KeyFileError) -> SimulatedKeyCore {
        SimulatedKeyCore(
            configuration: KeyConfiguration(trustAnchors: store.trustAnchors), crypto: SodiumProtocolCrypto(),
            signer: SodiumSigner(try store.privateKey()), clock: SystemKeyClock(), store: store)
    }

    /// Docks at the station listening at `socketPath` and returns what the station showed.
    ///
    /// - Parameter timeout: how long to wait for each message from the station; it may be waiting
    ///   for the server meanwhile.
    /// - Throws: ``DockError`` when the station cannot be reached, breaks off, or sends a bad
    ///   frame; ``KeyFileError`` when the key's state cannot be saved.
    public mutating func dock(socketPath: String, timeout: Duration = .seconds(120)) throws -> ResultPayload {
        let connection = try UnixSocketConnection.connect(to: socketPath)
        defer { connection.close() }
        let store = core.store
        let hello = KeyHelloPayload(
            serial: store.serial, publicKey: core.publicKey, battery: store.battery,
            hasTrustAnchors: !store.trustAnchors.isEmpty)
        try connection.writeFrame(DockFrame(.keyHello, hello.encoded))

        while true {
            let frame = try connection.readFrame(timeout: timeout)
            switch frame.kind {
            case .trustAnchors:
                try connection.writeFrame(try installAnchors(frame.payload))
            case .message:
                try connection.writeFrame(try answer(frame.payload))
            case .result:
                do {
                    return try ResultPayload.decode(frame.payload)
                } catch {
                    throw DockError.badFrame(error.description)
                }
            case .failure:
                throw DockError.unavailable("the station broke off: \(frame.text)")
            case .keyHello, .anchorsInstalled, .reply, .refusal:
                let error = DockFrameError.unexpected(frame.kind)
                try? connection.writeFrame(DockFrame(.failure, text: error.description))
                throw DockError.badFrame(error.description)
            }
        }
    }

    /// Installs anchors on a key that has none; a key that has some refuses.
    private mutating func installAnchors(_ payload: [UInt8]) throws -> DockFrame {
        var store = core.store
        guard store.trustAnchors.isEmpty else {
            return DockFrame(.refusal, text: "the key already holds trust anchors and keeps them")
        }
        do {
            store.trustAnchors = try TrustAnchorsPayload.decode(payload)
        } catch {
            return DockFrame(.refusal, text: error.description)
        }
        try store.save()
        core = try Self.makeCore(store)
        return DockFrame(.anchorsInstalled)
    }

    /// Runs one protocol message through the core and saves the state before answering, so the
    /// station never learns of a step the key could lose.
    private mutating func answer(_ message: [UInt8]) throws -> DockFrame {
        let type = message.count >= MessageHeader.length ? MessageType(rawValue: message[3]) : nil
        do {
            let reply: [UInt8]
            switch type {
            case .syncHello:
                reply = try core.report(hello: message, battery: core.store.battery)
            case .eventAck:
                let deleted = UInt32(try core.acknowledge(message))
                var writer = ByteWriter()
                writer.u32(deleted)
                reply = writer.bytes
            case .activation:
                try core.activate(message)
                reply = [0]
            default:
                return DockFrame(.refusal, text: "the key does not take this message at the dock")
            }
            try core.store.save()
            return DockFrame(.reply, reply)
        } catch let error as KeyError {
            return DockFrame(.refusal, text: "\(error)")
        }
    }
}
