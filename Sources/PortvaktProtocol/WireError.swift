/// Why bytes from outside could not be decoded. Every parser in this module throws only this type.
///
/// The raw values are stable and appear in `docs/protocol.md`; a lock reports all of them to a key
/// as ``ReasonCode/malformed`` or ``ReasonCode/unsupportedVersion``.
public enum WireError: Error, Equatable, Sendable {
    /// The message ended before the field at `offset` was complete.
    case truncated(offset: Int)
    /// Bytes were left over after the last field; messages have exact lengths.
    case trailingBytes(count: Int)
    /// The first two bytes were not the Portvakt magic `PV`.
    case badMagic
    /// The version byte names a protocol or format version this implementation does not know.
    case unsupportedVersion(UInt8)
    /// The message type byte was not the one the receiver expected at this step.
    case unexpectedMessageType(UInt8)
    /// A field holds a value outside its allowed range (reserved bits set, unknown enum, bad order).
    case invalidField(WireField)
    /// A count exceeds the limit stated in ``ProtocolLimits``.
    case overLimit(WireField)

    /// A stable one-byte code for logs and for the spec's error table.
    public var code: UInt8 {
        switch self {
        case .truncated: 0x01
        case .trailingBytes: 0x02
        case .badMagic: 0x03
        case .unsupportedVersion: 0x04
        case .unexpectedMessageType: 0x05
        case .invalidField: 0x06
        case .overLimit: 0x07
        }
    }
}

/// Names the field a ``WireError`` is about, so that a refusal can be traced without a debugger.
public enum WireField: UInt8, Sendable {
    case reserved = 1
    case permissionKind
    case scheduleSlot
    case permissionCount
    case proofLength
    case validityWindow
    case revocationEntries
    case revocationOrder
    case eventCount
    case eventKind
    case capabilities
    case revocationSummaries
    case batchLength
    case leafOrder
    case uploadEntries
    case batteryPercent
}
