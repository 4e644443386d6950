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
