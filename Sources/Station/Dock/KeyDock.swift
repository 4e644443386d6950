import KeyCore
import PortvaktProtocol

/// Where keys are docked: the station's hardware boundary.
///
/// Real hardware implements this over USB or the dock's contacts: it detects a key being
/// inserted, reads its identity, and from then on carries whole protocol messages (docs/protocol.md
/// §7) in both directions. The station's daemon calls ``nextKey()`` in a loop and runs one sync
/// session per key it returns. ``SimulatedDock`` implements it over a Unix socket.
public protocol KeyDock: Sendable {
    /// Waits for the next docked key and returns a session with it.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled (the daemon is stopping);
    ///   any other error ends the dock, and the daemon logs it and stops.
    func nextKey() async throws -> any DockedKey
}

/// One docked key, for the length of one sync session.
///
/// A hardware implementation must:
/// - read ``serial``, ``publicKey`` and ``battery`` from the key when it is inserted, before the
///   session is handed out;
/// - deliver each message to the key whole and return the key's answer whole, failing with
///   ``DockError/keyRemoved`` if the key is pulled out and ``DockError/keyTimedOut`` if it does
///   not answer within a few seconds, never hanging;
/// - show ``DockResult`` to the employee on the dock's display or lights (and the key's, if it
///   has one), since it is the only thing the employee sees.
public protocol DockedKey: Sendable {
    /// The serial printed on the key, as registered with the server.
    var serial: String { get }
    /// The key's Ed25519 public key; its private half never leaves the key.
    var publicKey: [UInt8] { get }
    /// The battery level the key measured when it was docked.
    var battery: BatteryReading { get }
    /// Whether the key already holds its trust anchors. A key leaves the factory without them and
    /// receives them at its first dock (protocol §7, enrolment).
    var hasTrustAnchors: Bool { get }

    /// Installs the issuer keys the key will trust. A key accepts this once, when it holds none;
    /// afterwards it refuses, so a station cannot swap a key's trust.
    ///
    /// - Throws: ``DockError`` when the key refuses or cannot be reached.
    // Known limitation: a new key cannot check the anchor it is given, so it trusts the station
    // of its first dock; a false anchor makes it refuse real credentials until its maker resets it.
    func installTrustAnchors(_ anchors: [TrustAnchor]) async throws

    /// Hands the key one protocol message and returns its answer: a SyncReport for a SyncHello,
    /// the number of deleted entries (`u32`, little-endian) for an EventAck, and one zero byte
    /// for an accepted Activation.
    ///
    /// - Throws: ``DockError/keyRefused(_:)`` when the key rejects the message (the reason is
    ///   the key's own error, for logs), or another ``DockError`` when the key is gone.
    func exchange(_ message: [UInt8]) async throws -> [UInt8]

    /// Shows the employee the outcome of the session. Never fails: a key pulled out early simply
    /// misses it.
    func show(_ result: DockResult) async
}

/// Why a session with a docked key failed.
public enum DockError: Error, Equatable, Sendable {
    /// The key was pulled out or the connection to it closed.
    case keyRemoved
    /// The key did not answer in time.
    case keyTimedOut
    /// The key rejected a message; the text is the key's reason, for logs.
    case keyRefused(String)
    /// The dock or key sent something that is not a valid frame; the text says what.
    case badFrame(String)
    /// The dock itself failed (for the simulated dock: its socket); the text says how.
    case unavailable(String)
}

extension DockError: CustomStringConvertible {
    /// A sentence for logs and the command line.
    public var description: String {
        switch self {
        case .keyRemoved: "the key was removed from the dock before the session ended"
        case .keyTimedOut: "the key did not answer in time"
        case .keyRefused(let reason): "the key refused the message: \(reason)"
        case .badFrame(let reason): "the dock received a malformed frame: \(reason)"
        case .unavailable(let reason): "the dock is unavailable: \(reason)"
        }
    }
}
