import PortvaktProtocol

/// The lock's persistent state: what must survive a power cut.
///
/// Implementations write each mutation durably before returning; the core logs a decision before
/// it reports "open", so an opening is never unlogged.
public protocol LockStore {
    /// Small fixed-size state, written as a unit.
    var state: LockState { get set }
    /// The newest revocation list held for each issuer.
    var revocationLists: [RevocationList] { get }
    /// Stores `list`, replacing any list of the same issuer.
    mutating func saveRevocationList(_ list: RevocationList)
    /// Most events the log holds.
    var eventCapacity: Int { get }
    /// Events held, oldest first.
    var events: [StoredLockEvent] { get }
    /// Appends an event; the core removes the oldest first when the log is full.
    mutating func appendEvent(_ event: StoredLockEvent)
    /// Removes the oldest event.
    mutating func removeOldestEvent()
}

/// The lock's fixed-size persistent state.
public struct LockState: Equatable, Sendable {
    /// The highest issuer-signed time seen (Unix seconds); it never goes back.
    public var timeFloor: UInt64
    /// The counter the next event will carry; counters start at 1 and never repeat.
    public var nextEventCounter: UInt64
    /// The event chain value after the newest event.
    public var chainHead: [UInt8]
    /// Every event up to this counter is held by some key.
    public var deliveredThrough: UInt64
    /// Undelivered events overwritten since the last delivery: reported as a gap in the next batch.
    public var lostUndelivered: UInt32

    /// The state of a freshly commissioned lock whose floor starts at `timeFloor`.
    public init(timeFloor: UInt64) {
        self.timeFloor = timeFloor
        nextEventCounter = 1
        chainHead = [UInt8](repeating: 0, count: FieldLength.digest)
        deliveredThrough = 0
        lostUndelivered = 0
    }
}

/// A logged event with the chain value before it, so a batch can start anywhere.
public struct StoredLockEvent: Equatable, Sendable {
    /// The event.
    public var event: LockEvent
    /// The chain head before the event.
    public var chainBefore: [UInt8]

    /// Pairs an event with its predecessor's chain value.
    public init(event: LockEvent, chainBefore: [UInt8]) {
        self.event = event
        self.chainBefore = chainBefore
    }
}

/// A lock store in RAM, for tests, simulations and the benchmark.
public struct InMemoryLockStore: LockStore {
    /// See ``LockStore/state``.
    public var state: LockState
    /// See ``LockStore/revocationLists``.
    public private(set) var revocationLists: [RevocationList] = []
    /// See ``LockStore/eventCapacity``.
    public let eventCapacity: Int
    /// See ``LockStore/events``.
    public private(set) var events: [StoredLockEvent] = []

    /// An empty store with room for `eventCapacity` events (512 by default, the protocol's
    /// stated minimum for a lock).
    public init(timeFloor: UInt64, eventCapacity: Int = 512) {
        state = LockState(timeFloor: timeFloor)
        self.eventCapacity = eventCapacity
    }

    /// See ``LockStore/saveRevocationList(_:)``.
    public mutating func saveRevocationList(_ list: RevocationList) {
        revocationLists.removeAll { $0.issuerID == list.issuerID }
        revocationLists.append(list)
    }

    /// See ``LockStore/appendEvent(_:)``.
    public mutating func appendEvent(_ event: StoredLockEvent) {
        precondition(events.count < eventCapacity, "the core frees space before appending")
        events.append(event)
    }

    /// See ``LockStore/removeOldestEvent()``.
    public mutating func removeOldestEvent() {
        events.removeFirst()
    }
}
