/// The key's confirmation that it stored the lock's sealed events up to a counter; only then may
/// the lock count them as delivered and let them be overwritten.
public struct EventReceipt: Equatable, Sendable {
    /// The encoded length.
    public static let encodedLength = MessageHeader.length + ProtocolLimits.nonceLength + 8 + FieldLength.signature

    /// The session version.
    public var version: UInt8
    /// The session nonce.
    public var nonceEcho: [UInt8]
    /// The highest lock event counter the key stored.
    public var upToCounter: UInt64
    /// The key's signature over ``Domain/door``, the challenge and the receipt body.
    public var signature: [UInt8]

    /// A receipt from its fields.
    public init(version: UInt8, nonceEcho: [UInt8], upToCounter: UInt64, signature: [UInt8] = []) {
        self.version = version
        self.nonceEcho = nonceEcho
        self.upToCounter = upToCounter
        self.signature = signature
    }

    /// The receipt without its signature.
    public var unsignedBody: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        MessageHeader.write(.eventReceipt, version: version, into: &writer)
        writer.raw(nonceEcho)
        writer.u64(upToCounter)
        return writer.bytes
    }

    /// The bytes the key signs, bound to the session's challenge.
    public func transcript(challenge: [UInt8]) -> [UInt8] {
        Domain.door + challenge + unsignedBody
    }

    /// The complete message.
    public var encoded: [UInt8] { unsignedBody + signature }

    /// Reads a receipt.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> EventReceipt {
        var reader = ByteReader(bytes)
        let version = try MessageHeader.read(.eventReceipt, versions: ProtocolVersion.supported, from: &reader)
        let nonce = try reader.raw(ProtocolLimits.nonceLength)
        let counter = try reader.u64()
        let signature = try reader.raw(FieldLength.signature)
        try reader.finish()
        return EventReceipt(version: version, nonceEcho: nonce, upToCounter: counter, signature: signature)
    }
}

/// Frames a revocation list for the key-to-lock hop, and the lock's one-byte status reply.
public enum RevocationUpdate {
    /// `PV`, version, type 0x05, then the list.
    public static func encode(_ list: RevocationList, version: UInt8 = ProtocolVersion.current) -> [UInt8] {
        var writer = ByteWriter()
        MessageHeader.write(.revocationUpdate, version: version, into: &writer)
        writer.raw(list.encoded)
        return writer.bytes
    }

    /// Reads the framed list.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> RevocationList {
        var reader = ByteReader(bytes)
        _ = try MessageHeader.read(.revocationUpdate, versions: ProtocolVersion.supported, from: &reader)
        return try RevocationList.decode(try reader.raw(reader.remaining))
    }

    /// The lock's reply to an update or receipt.
    public static func status(_ reason: ReasonCode, version: UInt8 = ProtocolVersion.current) -> [UInt8] {
        var writer = ByteWriter(capacity: 5)
        MessageHeader.write(.status, version: version, into: &writer)
        writer.u8(reason.rawValue)
        return writer.bytes
    }

    /// Reads a status reply.
    public static func decodeStatus(_ bytes: [UInt8]) throws(WireError) -> ReasonCode {
        var reader = ByteReader(bytes)
        _ = try MessageHeader.read(.status, versions: ProtocolVersion.supported, from: &reader)
        guard let reason = ReasonCode(rawValue: try reader.u8()) else { throw .invalidField(.reserved) }
        try reader.finish()
        return reason
    }
}
