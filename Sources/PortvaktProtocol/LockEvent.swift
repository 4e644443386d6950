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
