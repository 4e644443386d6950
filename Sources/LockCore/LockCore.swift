import PortvaktProtocol

/// The lock's side of the protocol: issue challenges, decide on presentations, install revocation
/// lists, log every decision and hand sealed events to visiting keys.
///
/// Pure Swift without Foundation; clock, storage, randomness and crypto are injected, so the same
/// code runs in tests, in the benchmark and on a microcontroller. It holds no secret: its
/// configuration and store contain only public keys, public lists and its own log.
public struct LockCore<
    Crypto: SignatureVerifying & Hashing & Sealing, Random: RandomSource, Clock: LockClock,
    Store: LockStore
> {
    /// The commissioning configuration.
    public let configuration: LockConfiguration
    /// The persistent state, readable for diagnostics and tests.
    public internal(set) var store: Store
    /// The injected crypto services, visible so that callers can inspect a counting wrapper.
    public let crypto: Crypto
    var random: Random
    let clock: Clock
    var session: Session?
    var clockFaultLogged = false

    /// One challenge and what the lock learned while answering it.
    struct Session {
        var challenge: [UInt8]
        var nonce: [UInt8]
        var startedAt: UInt64
        var presented = false
        var version: UInt8 = ProtocolVersion.current
        var authenticatedKey: [UInt8]?
        var handedThrough: UInt64?
    }

    /// A lock with a validated configuration.
    public init(
        configuration: LockConfiguration, crypto: Crypto, random: Random, clock: Clock, store: Store
    ) throws(LockConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.crypto = crypto
        self.random = random
        self.clock = clock
        self.store = store
    }

    /// The lock's effective time: its clock if it has one, never below the time floor.
    public var effectiveTime: UInt64 {
        max(clock.unixTime() ?? 0, store.state.timeFloor)
    }

    /// Starts a door transaction and returns the encoded challenge. Any earlier challenge is void.
    public mutating func challenge() -> [UInt8] {
        let nonce = random.bytes(ProtocolLimits.nonceLength)
        precondition(nonce.count == ProtocolLimits.nonceLength, "random source returned the wrong length")
        let pending = store.events.count { $0.event.counter > store.state.deliveredThrough }
        let message = Challenge(
            minVersion: configuration.minVersion, maxVersion: configuration.maxVersion,
            hasClock: clock.unixTime() != nil, capabilities: configuration.capabilities, lockID: configuration.lockID,
            nonce: nonce, timeFloor: store.state.timeFloor, pendingEvents: UInt16(clamping: pending),
            revocationVersions: store.revocationLists.map {
                RevocationSummary(issuerID: $0.issuerID, version: $0.version)
            }
        ).encoded
        session = Session(challenge: message, nonce: nonce, startedAt: clock.uptimeMilliseconds())
        return message
    }

    /// Handles any key-to-lock message and returns the encoded reply: the single entry point for a
    /// radio driver. Unknown or unreadable messages get a ``ReasonCode/malformed`` status.
    public mutating func receive(_ message: [UInt8]) -> [UInt8] {
        guard message.count >= MessageHeader.length else { return RevocationUpdate.status(.malformed) }
        switch MessageType(rawValue: message[3]) {
        case .presentation: return decide(message).encoded
        case .revocationUpdate: return RevocationUpdate.status(installRevocationList(message))
        case .eventReceipt: return RevocationUpdate.status(acceptReceipt(message))
        default: return RevocationUpdate.status(.malformed)
        }
    }

    /// Whether the pending session is still answerable; voids it when it timed out.
    mutating func liveSession() -> Session? {
        guard let current = session else { return nil }
        let age = clock.uptimeMilliseconds() &- current.startedAt
        guard age <= configuration.challengeTimeoutMilliseconds else {
            session = nil
            return nil
        }
        return current
    }

    /// Raises the time floor to an issuer-signed time; never lowers it.
    mutating func raiseTimeFloor(to signedTime: UInt64) {
        if signedTime > store.state.timeFloor { store.state.timeFloor = signedTime }
    }
}
