/// The lock's verdict on a presentation, with the sealed events it hands to the key.
public struct Decision: Equatable, Sendable {
    /// Length without the sealed batch.
    public static let fixedLength = MessageHeader.length + 2 + FieldLength.lockID + ProtocolLimits.nonceLength + 26

    /// The version of the session.
    public var version: UInt8
    /// Whether the door opens.
    public var opened: Bool
    /// Why; ``ReasonCode/granted`` exactly when ``opened``.
    public var reason: ReasonCode
    /// The deciding lock.
    public var lockID: LockID
    /// The nonce of the session the decision belongs to; zeros when the presentation was unreadable.
    public var nonceEcho: [UInt8]
    /// The lock's event counter for the log entry that records this decision.
    public var eventCounter: UInt64
    /// The lock's time floor after the decision.
    public var timeFloor: UInt64
    /// The counter of the last event in ``sealedEvents``, which the key's receipt confirms; 0 when
    /// none are handed over. In clear because the key cannot open the batch.
    public var batchThrough: UInt64
    /// Lock events sealed to the issuer; empty when none are handed over.
    public var sealedEvents: [UInt8]

    /// A decision from its fields.
    public init(
        version: UInt8, opened: Bool, reason: ReasonCode, lockID: LockID, nonceEcho: [UInt8], eventCounter: UInt64,
        timeFloor: UInt64, batchThrough: UInt64 = 0, sealedEvents: [UInt8] = []
    ) {
        self.version = version
        self.opened = opened
        self.reason = reason
        self.lockID = lockID
        self.nonceEcho = nonceEcho
        self.eventCounter = eventCounter
        self.timeFloor = timeFloor
        self.batchThrough = batchThrough
        self.sealedEvents = sealedEvents
    }

    /// The encoded message.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.fixedLength + sealedEvents.count)
        MessageHeader.write(.decision, version: version, into: &writer)
        writer.u8(opened ? 1 : 0)
        writer.u8(reason.rawValue)
        writer.raw(lockID.bytes)
        writer.raw(nonceEcho)
        writer.u64(eventCounter)
        writer.u64(timeFloor)
        writer.u64(batchThrough)
        writer.u16(UInt16(sealedEvents.count))
        writer.raw(sealedEvents)
        return writer.bytes
    }

    /// Reads a decision; an unknown reason code or an inconsistent outcome is malformed.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Decision {
        var reader = ByteReader(bytes)
        let version = try MessageHeader.read(.decision, versions: ProtocolVersion.supported, from: &reader)
        let opened = try reader.u8()
        guard let reason = ReasonCode(rawValue: try reader.u8()), opened <= 1, (opened == 1) == (reason == .granted)
        else { throw .invalidField(.reserved) }
        let lockID = try reader.lockID()
        let nonce = try reader.raw(ProtocolLimits.nonceLength)
        let counter = try reader.u64()
        let floor = try reader.u64()
        let through = try reader.u64()
        let length = Int(try reader.u16())
        guard length <= ProtocolLimits.maxSealedBatchLength else { throw .overLimit(.batchLength) }
        guard (length == 0) == (through == 0) else { throw .invalidField(.batchLength) }
        let sealed = try reader.raw(length)
        try reader.finish()
        return Decision(
            version: version, opened: opened == 1, reason: reason, lockID: lockID, nonceEcho: nonce,
            eventCounter: counter, timeFloor: floor, batchThrough: through, sealedEvents: sealed)
    }
}
