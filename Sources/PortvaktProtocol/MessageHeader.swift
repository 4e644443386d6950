/// The four bytes that open every message between key, lock and station: the magic `PV`, the
/// protocol version and the message type.
public enum MessageHeader {
    /// Length of the header.
    public static let length = 4
    /// The magic bytes `P`, `V`.
    public static let magic: [UInt8] = [0x50, 0x56]

    /// Writes the header.
    public static func write(_ type: MessageType, version: UInt8, into writer: inout ByteWriter) {
        writer.raw(magic)
        writer.u8(version)
        writer.u8(type.rawValue)
    }

    /// Reads and checks the header and returns the version byte.
    ///
    /// - Parameter versions: the versions the caller can parse for this message type.
    public static func read(
        _ type: MessageType, versions: ClosedRange<UInt8>, from reader: inout ByteReader
    ) throws(WireError) -> UInt8 {
        guard try reader.raw(2) == magic else { throw .badMagic }
        let version = try reader.u8()
        let rawType = try reader.u8()
        guard rawType == type.rawValue else { throw .unexpectedMessageType(rawType) }
        guard versions.contains(version) else { throw .unsupportedVersion(version) }
        return version
    }
}

/// Message type bytes; stable across versions.
public enum MessageType: UInt8, Sendable {
    /// Lock to key: nonce, identity, time floor, offered versions and capabilities.
    case challenge = 0x01
    /// Key to lock: credential, permission proof and signature over the transcript.
    case presentation = 0x02
    /// Lock to key: open or refused with a reason, and a sealed event batch.
    case decision = 0x03
    /// Key to lock: the key stored the event batch up to a counter.
    case eventReceipt = 0x04
    /// Key to lock: a newer revocation list.
    case revocationUpdate = 0x05
    /// Lock to key: outcome of a revocation update or receipt.
    case status = 0x06
    /// Station to key: a sync session begins.
    case syncHello = 0x10
    /// Key to station: battery, counters and carried events, signed by the key.
    case syncReport = 0x11
    /// Station to key: the issuer acknowledges stored events.
    case eventAck = 0x13
    /// Station to key: the credential and its permissions for the coming shift.
    case activation = 0x14
}

/// Protocol versions.
public enum ProtocolVersion {
    /// The version this implementation speaks.
    public static let current: UInt8 = 1
    /// The versions whose message layouts this implementation can parse.
    public static let supported: ClosedRange<UInt8> = 1...1
}

/// Capability flags, exchanged in the signed transcript so that neither side can be talked out
/// of a feature by someone in the middle.
public struct Capabilities: OptionSet, Sendable, Hashable {
    /// The flag bits.
    public let rawValue: UInt16

    /// Wraps raw flag bits; unknown bits are kept so that they are signed as received.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The lock hands sealed event batches to keys.
    public static let eventHandoff = Capabilities(rawValue: 1 << 0)
    /// The lock accepts revocation lists carried by keys.
    public static let revocationUpdate = Capabilities(rawValue: 1 << 1)
    /// The side evaluates weekly schedules.
    public static let weeklySchedules = Capabilities(rawValue: 1 << 2)
    /// The side evaluates visit windows.
    public static let visitWindows = Capabilities(rawValue: 1 << 3)

    /// Everything version 1 defines.
    public static let version1: Capabilities = [.eventHandoff, .revocationUpdate, .weeklySchedules, .visitWindows]
}
