/// The plaintext of a sealed batch of lock events.
public struct EventBatch: Equatable, Sendable {
    /// Bytes before the events.
    public static let headerLength = 56
    /// The format this implementation writes and reads.
    public static let formatVersion: UInt8 = 1

    /// The lock that logged the events.
    public var lockID: LockID
    /// The chain value before the first event, so the server can link batches.
    public var previousChainHash: [UInt8]
    /// Undelivered events that were overwritten, immediately before the first event, because the
    /// log was full: a recorded gap, never a silent one.
    public var lostCount: UInt32
    /// Consecutive events, oldest first.
    public var events: [LockEvent]

    /// A batch from its fields.
    public init(lockID: LockID, previousChainHash: [UInt8], lostCount: UInt32, events: [LockEvent]) {
        self.lockID = lockID
        self.previousChainHash = previousChainHash
        self.lostCount = lostCount
        self.events = events
    }

    /// The plaintext that is sealed.
    public var encoded: [UInt8] {
        precondition(events.count <= ProtocolLimits.maxEventsPerBatch, "batch over capacity")
        var writer = ByteWriter(capacity: Self.headerLength + events.count * LockEvent.encodedLength)
        writer.u8(Self.formatVersion)
        writer.u8(0)
        writer.u16(UInt16(events.count))
        writer.raw(lockID.bytes)
        writer.raw(previousChainHash)
        writer.u32(lostCount)
        for event in events { event.encode(into: &writer) }
        return writer.bytes
    }

    /// Reads an opened batch; counters must be consecutive.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> EventBatch {
        var reader = ByteReader(bytes)
        let format = try reader.u8()
        guard format == formatVersion else { throw .unsupportedVersion(format) }
        try reader.reserved(1)
        let count = Int(try reader.u16())
        guard count <= ProtocolLimits.maxEventsPerBatch else { throw .overLimit(.eventCount) }
        let lockID = try reader.lockID()
        let previous = try reader.raw(FieldLength.digest)
        let lost = try reader.u32()
        var events: [LockEvent] = []
        for _ in 0..<count {
            let event = try LockEvent.decode(from: &reader)
            if let last = events.last, last.counter &+ 1 != event.counter { throw .invalidField(.eventCount) }
            events.append(event)
        }
        try reader.finish()
        return EventBatch(lockID: lockID, previousChainHash: previous, lostCount: lost, events: events)
    }

    /// Whether the events chain from ``previousChainHash`` to `head`.
    public func chainLeads(to head: [UInt8], hasher: some Hashing) -> Bool {
        var value = previousChainHash
        for event in events { value = event.chained(after: value, hasher: hasher) }
        return value == head
    }
}
