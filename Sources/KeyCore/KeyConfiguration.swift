import PortvaktProtocol

/// What a key is given at enrolment: the issuers it trusts and what it speaks.
public struct KeyConfiguration: Sendable {
    /// Issuer keys whose activations and acknowledgements the key accepts.
    public var trustAnchors: [TrustAnchor]
    /// Highest protocol version the key speaks.
    public var maxVersion: UInt8
    /// Capabilities the key supports.
    public var capabilities: Capabilities
    /// Upload entries kept free for the key's own events, so lock batches cannot crowd them out.
    public var ownEventReserve: Int

    /// A configuration with version-1 defaults.
    public init(
        trustAnchors: [TrustAnchor], maxVersion: UInt8 = ProtocolVersion.current,
        capabilities: Capabilities = .version1, ownEventReserve: Int = 256
    ) {
        self.trustAnchors = trustAnchors
        self.maxVersion = maxVersion
        self.capabilities = capabilities
        self.ownEventReserve = ownEventReserve
    }
}

/// The battery state a key reports at sync.
public struct BatteryReading: Equatable, Sendable {
    /// Charge, 0...100 %.
    public var percent: UInt8
    /// Voltage in millivolts.
    public var millivolts: UInt16

    /// A reading.
    public init(percent: UInt8, millivolts: UInt16) {
        self.percent = percent
        self.millivolts = millivolts
    }
}

/// What the key learned from a lock's decision.
public struct DoorOutcome: Equatable, Sendable {
    /// Whether the door opened.
    public var opened: Bool
    /// The lock's reason code.
    public var reason: ReasonCode
    /// The signed receipt to send back when the key stored a sealed batch; `nil` otherwise.
    public var receipt: [UInt8]?
}

/// The messages a key sends in answer to a challenge, in order.
public struct DoorAnswer: Equatable, Sendable {
    /// Newer revocation lists for the lock, each framed as a ``MessageType/revocationUpdate``.
    public var revocationUpdates: [[UInt8]]
    /// The signed presentation.
    public var presentation: [UInt8]
}
