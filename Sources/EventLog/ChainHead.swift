import PortvaktProtocol

/// The head of a lock's confirmed chain: the highest counter up to which every event links,
/// batch by batch, back to counter 1, and the chain value there.
struct ChainHead {
    /// The head's counter; 0 before the first event.
    var counter: Int64
    /// The chain value after the head's event (32 zero bytes before the first event); `nil` for
    /// a chain stored before the value was kept, whose next batch is then checked by counter alone.
    var hash: [UInt8]?

    /// The most counters a lock's log holds at least (docs/protocol.md §8): a genuine batch cannot
    /// start further than this above the last event that reached the server, unless keys hold
    /// the events between for that long.
    static let lockLogCapacity: Int64 = 512

    /// The chain start before any event.
    static let zero = [UInt8](repeating: 0, count: FieldLength.digest)
}
