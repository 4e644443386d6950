/// One entry of a lock's log. Every decision is logged, with a per-lock counter that never
/// repeats and a hash chain, before the door is driven.
public struct LockEvent: Equatable, Sendable {
    /// Encoded length of one event.
    public static let encodedLength = 38

    /// What happened.
    public enum Kind: UInt8, Sendable {
        /// The door opened for ``LockEvent/keyID``.
        case opened = 1
        /// A presentation was refused; ``LockEvent/keyID`` is set only when the key was authenticated.
        case refused = 2
        /// A newer revocation list was installed; ``LockEvent/detail`` holds its version.
        case revocationInstalled = 3
        /// The lock's clock read earlier than its time floor; ``LockEvent/detail`` holds the lag in seconds.
        case clockBehindFloor = 4
    }

    /// The lock's monotonic counter, starting at 1.
    public var counter: UInt64
    /// The lock's effective time when the event happened (Unix seconds).
    public var time: UInt64
    /// What happened.
    public var kind: Kind
    /// The decision's reason code, ``ReasonCode/granted`` for non-decisions.
    public var reason: ReasonCode
    /// Kind-specific detail.
    public var detail: UInt32
    /// The key involved, or ``KeyID/none``.
    public var keyID: KeyID

    /// An event from its fields.
    public init(counter: UInt64, time: UInt64, kind: Kind, reason: ReasonCode, detail: UInt32, keyID: KeyID) {
        self.counter = counter
        self.time = time
        self.kind = kind
        self.reason = reason
        self.detail = detail
        self.keyID = keyID
    }

    /// Appends the 38-byte encoding.
    public func encode(into writer: inout ByteWriter) {
        writer.u64(counter)
        writer.u64(time)
        writer.u8(kind.rawValue)
        writer.u8(reason.rawValue)
        writer.u32(detail)
        writer.raw(keyID.bytes)
    }

    /// The 38-byte encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        encode(into: &writer)
        return writer.bytes
    }

    /// Reads one event.
    public static func decode(from reader: inout ByteReader) throws(WireError) -> LockEvent {
        let counter = try reader.u64()
        let time = try reader.u64()
        guard let kind = Kind(rawValue: try reader.u8()) else { throw .invalidField(.eventKind) }
        guard let reason = ReasonCode(rawValue: try reader.u8()) else { throw .invalidField(.eventKind) }
        return LockEvent(
            counter: counter, time: time, kind: kind, reason: reason, detail: try reader.u32(),
            keyID: try reader.keyID())
    }

    /// The chain value after this event: `H(0x02 || previous || event)`.
    public func chained(after previous: [UInt8], hasher: some Hashing) -> [UInt8] {
        var input: [UInt8] = [Domain.eventChain]
        input.reserveCapacity(1 + FieldLength.digest + Self.encodedLength)
        input.append(contentsOf: previous)
        input.append(contentsOf: encoded)
        return hasher.hash(input)
    }
}
