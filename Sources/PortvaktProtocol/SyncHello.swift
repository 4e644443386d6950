/// The station's opening message when a key is docked: a fresh nonce that the key's report and
/// the issuer's acknowledgement both bind to.
public struct SyncHello: Equatable, Sendable {
    /// The encoded length.
    public static let encodedLength = MessageHeader.length + ProtocolLimits.nonceLength + 8

    /// Fresh random bytes from the station.
    public var nonce: [UInt8]
    /// The station's clock (Unix seconds); informative only, as the station does not sign.
    public var stationTime: UInt64

    /// A hello from its fields.
    public init(nonce: [UInt8], stationTime: UInt64) {
        self.nonce = nonce
        self.stationTime = stationTime
    }

    /// The encoded message.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        MessageHeader.write(.syncHello, version: ProtocolVersion.current, into: &writer)
        writer.raw(nonce)
        writer.u64(stationTime)
        return writer.bytes
    }

    /// Reads a hello.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> SyncHello {
        var reader = ByteReader(bytes)
        _ = try MessageHeader.read(.syncHello, versions: ProtocolVersion.supported, from: &reader)
        let nonce = try reader.raw(ProtocolLimits.nonceLength)
        let time = try reader.u64()
        try reader.finish()
        return SyncHello(nonce: nonce, stationTime: time)
    }
}
