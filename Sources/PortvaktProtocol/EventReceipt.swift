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
