/// The lock's opening message: who it is, a fresh nonce, the time it knows, and what it supports.
///
/// Its layout is the same in every protocol version, so a key of any version can read it and pick
/// the highest common version.
public struct Challenge: Equatable, Sendable {
    /// Lowest protocol version the lock accepts.
    public var minVersion: UInt8
    /// Highest protocol version the lock speaks; sent in the header's version byte.
    public var maxVersion: UInt8
    /// Whether the lock has a real-time clock (flag bit 0).
    public var hasClock: Bool
    /// Capabilities the lock offers.
    public var capabilities: Capabilities
    /// The lock's identity.
    public var lockID: LockID
    /// ``ProtocolLimits/nonceLength`` fresh random bytes, used once.
    public var nonce: [UInt8]
    /// The lock's monotonic time floor (Unix seconds).
    public var timeFloor: UInt64
    /// Lock events not yet handed to any key.
    public var pendingEvents: UInt16
    /// The revocation-list version the lock holds for each issuer, so a key sends only newer lists.
    public var revocationVersions: [RevocationSummary]

    /// A challenge from its fields.
    public init(
        minVersion: UInt8, maxVersion: UInt8, hasClock: Bool, capabilities: Capabilities, lockID: LockID,
        nonce: [UInt8], timeFloor: UInt64, pendingEvents: UInt16, revocationVersions: [RevocationSummary]
    ) {
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.hasClock = hasClock
        self.capabilities = capabilities
        self.lockID = lockID
        self.nonce = nonce
        self.timeFloor = timeFloor
        self.pendingEvents = pendingEvents
        self.revocationVersions = revocationVersions
    }

    /// The encoded challenge; these exact bytes enter the key's signed transcript.
    public var encoded: [UInt8] {
        precondition(nonce.count == ProtocolLimits.nonceLength, "nonce length is fixed")
        precondition(revocationVersions.count <= ProtocolLimits.maxIssuers, "too many issuers")
        var writer = ByteWriter(capacity: 67 + 8 * revocationVersions.count)
        MessageHeader.write(.challenge, version: maxVersion, into: &writer)
        writer.u8(minVersion)
        writer.u8(hasClock ? 1 : 0)
        writer.u16(capabilities.rawValue)
        writer.raw(lockID.bytes)
        writer.raw(nonce)
        writer.u64(timeFloor)
        writer.u16(pendingEvents)
        writer.u8(UInt8(revocationVersions.count))
        for summary in revocationVersions {
            writer.u32(summary.issuerID)
            writer.u32(summary.version)
        }
        return writer.bytes
    }

    /// Reads a challenge of any version at least 1.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Challenge {
        var reader = ByteReader(bytes)
        let maxVersion = try MessageHeader.read(.challenge, versions: 1...UInt8.max, from: &reader)
        let minVersion = try reader.u8()
        guard minVersion >= 1, minVersion <= maxVersion else { throw .unsupportedVersion(minVersion) }
        let flags = try reader.u8()
        guard flags & 0xFE == 0 else { throw .invalidField(.reserved) }
        let capabilities = Capabilities(rawValue: try reader.u16())
        let lockID = try reader.lockID()
        let nonce = try reader.raw(ProtocolLimits.nonceLength)
        let timeFloor = try reader.u64()
        let pending = try reader.u16()
        let count = Int(try reader.u8())
        guard count <= ProtocolLimits.maxIssuers else { throw .overLimit(.revocationSummaries) }
        var summaries: [RevocationSummary] = []
        for _ in 0..<count {
            summaries.append(RevocationSummary(issuerID: try reader.u32(), version: try reader.u32()))
        }
        try reader.finish()
        return Challenge(
            minVersion: minVersion, maxVersion: maxVersion, hasClock: flags & 1 == 1, capabilities: capabilities,
            lockID: lockID, nonce: nonce, timeFloor: timeFloor, pendingEvents: pending,
            revocationVersions: summaries)
    }
}

/// The revocation-list version a lock holds for one issuer.
public struct RevocationSummary: Equatable, Sendable {
    /// The issuer.
    public var issuerID: UInt32
    /// The list version held; 0 when none.
    public var version: UInt32

    /// A summary entry.
    public init(issuerID: UInt32, version: UInt32) {
        self.issuerID = issuerID
        self.version = version
    }
}
