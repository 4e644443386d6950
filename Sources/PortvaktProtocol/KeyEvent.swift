/// One entry of a key's own log: its passages and refused tries. Each is sealed to the issuer as
/// it is written, so a stolen key does not tell whose doors its holder opened.
public struct KeyEvent: Equatable, Sendable {
    /// Encoded length of one event before sealing.
    public static let encodedLength = 40

    /// What happened.
    public enum Kind: UInt8, Sendable {
        /// A lock opened.
        case passage = 1
        /// A lock refused; ``KeyEvent/reason`` says why.
        case refusedByLock = 2
        /// The key holds no permission for the lock and did not present.
        case noPermission = 3
        /// The key's log was full; ``KeyEvent/detail`` events were not recorded before this one.
        case gap = 4
    }

    /// The key's own monotonic counter.
    public var counter: UInt64
    /// The key's clock (Unix seconds).
    public var time: UInt64
    /// What happened.
    public var kind: Kind
    /// The lock's reason code, or ``ReasonCode/granted``.
    public var reason: ReasonCode
    /// The lock's event counter for the decision, or the number of events lost for a gap.
    public var detail: UInt32
    /// The lock concerned.
    public var lockID: LockID

    /// An event from its fields.
    public init(counter: UInt64, time: UInt64, kind: Kind, reason: ReasonCode, detail: UInt32, lockID: LockID) {
        self.counter = counter
        self.time = time
        self.kind = kind
        self.reason = reason
        self.detail = detail
        self.lockID = lockID
    }

    /// The 40-byte encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        writer.u64(counter)
        writer.u64(time)
        writer.u8(kind.rawValue)
        writer.u8(reason.rawValue)
        writer.zeros(2)
        writer.u32(detail)
        writer.raw(lockID.bytes)
        return writer.bytes
    }

    /// Reads one event.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> KeyEvent {
        var reader = ByteReader(bytes)
        let counter = try reader.u64()
        let time = try reader.u64()
        guard let kind = Kind(rawValue: try reader.u8()) else { throw .invalidField(.eventKind) }
        guard let reason = ReasonCode(rawValue: try reader.u8()) else { throw .invalidField(.eventKind) }
        try reader.reserved(2)
        let detail = try reader.u32()
        let lockID = try reader.lockID()
        try reader.finish()
        return KeyEvent(counter: counter, time: time, kind: kind, reason: reason, detail: detail, lockID: lockID)
    }
}
