import PortvaktProtocol

/// What a lock is told at commissioning. Everything here is public; nothing in it opens a door.
public struct LockConfiguration: Sendable {
    /// The lock's identity.
    public var lockID: LockID
    /// Issuer keys the lock trusts, at most ``ProtocolLimits/maxTrustAnchors``.
    // Known limitation: anchors are installed at commissioning only; version 1 has no signed in-band
    // anchor update, so an issuer key rotation relies on the next key having been installed in
    // advance (within the eight slots) or on a visit by an installer.
    public var trustAnchors: [TrustAnchor]
    /// The issuer's X25519 key that event batches are sealed to.
    public var eventRecipient: [UInt8]
    /// How far, in seconds, a time may lie on the wrong side of a bound and still be accepted,
    /// for clocks that drift between syncs.
    public var timeTolerance: UInt64
    /// Longest credential validity window the lock accepts, in seconds.
    public var maxCredentialLifetime: UInt64
    /// Lowest protocol version accepted.
    public var minVersion: UInt8
    /// Highest protocol version spoken.
    public var maxVersion: UInt8
    /// Capabilities offered to keys.
    public var capabilities: Capabilities
    /// How long a challenge stays answerable, in milliseconds.
    public var challengeTimeoutMilliseconds: UInt64

    /// A configuration with the protocol's defaults: 5 minutes of tolerance, credentials of at
    /// most 16 hours, version 1 only, every version-1 capability, 10-second challenges.
    public init(
        lockID: LockID, trustAnchors: [TrustAnchor], eventRecipient: [UInt8], timeTolerance: UInt64 = 300,
        maxCredentialLifetime: UInt64 = 16 * 3_600, minVersion: UInt8 = ProtocolVersion.current,
        maxVersion: UInt8 = ProtocolVersion.current, capabilities: Capabilities = .version1,
        challengeTimeoutMilliseconds: UInt64 = 10_000
    ) {
        self.lockID = lockID
        self.trustAnchors = trustAnchors
        self.eventRecipient = eventRecipient
        self.timeTolerance = timeTolerance
        self.maxCredentialLifetime = maxCredentialLifetime
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.capabilities = capabilities
        self.challengeTimeoutMilliseconds = challengeTimeoutMilliseconds
    }

    /// Checks the configuration before a lock starts with it.
    public func validate() throws(LockConfigurationError) {
        guard !trustAnchors.isEmpty, trustAnchors.count <= ProtocolLimits.maxTrustAnchors else {
            throw .trustAnchorCount(trustAnchors.count)
        }
        guard trustAnchors.allSatisfy({ $0.publicKey.count == FieldLength.publicKey }) else {
            throw .badTrustAnchorKey
        }
        guard eventRecipient.count == FieldLength.publicKey else { throw .badEventRecipient }
        guard minVersion >= 1, minVersion <= maxVersion, ProtocolVersion.supported.contains(maxVersion) else {
            throw .versionRange
        }
    }
}

/// Why a lock configuration is unusable.
public enum LockConfigurationError: Error, Equatable, Sendable {
    /// A lock needs between 1 and ``ProtocolLimits/maxTrustAnchors`` anchors.
    case trustAnchorCount(Int)
    /// An anchor's public key is not 32 bytes.
    case badTrustAnchorKey
    /// The event recipient is not a 32-byte X25519 key.
    case badEventRecipient
    /// The version range is empty or includes versions this firmware cannot parse.
    case versionRange
}
