import PortvaktProtocol
import ProtocolCrypto
import Storage

/// A lock batch that opened and decoded, with the chain values its events lead to.
struct OpenedBatch {
    /// The lock that logged the events.
    let lockID: LockID
    /// The carrying key's sequence number for the entry.
    let sequence: Int64
    /// The sealed entry, kept only if the batch becomes evidence.
    let sealed: [UInt8]
    /// The chain value before the first event, as the batch claims it.
    let previousChainHash: [UInt8]
    /// Events the lock reports overwritten, undelivered, just before the first one.
    let lostCount: UInt32
    /// The events, oldest first.
    let events: [LockEvent]
    /// Their counters, consecutive (the decoder checks that).
    let counters: ClosedRange<Int64>
    /// The chain value after each event.
    let chainHashes: [[UInt8]]
    /// Each event's time in milliseconds.
    let times: [Int64]

    /// Checks ranges and computes the chain; `nil` when the batch is empty or a counter or time
    /// is too large to be real.
    init?(_ batch: EventBatch, entry: UploadEntry, hasher: SodiumProtocolCrypto) {
        guard let first = batch.events.first, let last = batch.events.last, first.counter >= 1,
            last.counter < UInt64(Int64.max)
        else { return nil }
        var times: [Int64] = []
        var chainHashes: [[UInt8]] = []
        var value = batch.previousChainHash
        for event in batch.events {
            guard let time = IngestRun.milliseconds(event.time) else { return nil }
            times.append(time)
            value = event.chained(after: value, hasher: hasher)
            chainHashes.append(value)
        }
        self.lockID = batch.lockID
        self.sequence = Int64(entry.sequence)
        self.sealed = entry.sealed
        self.previousChainHash = batch.previousChainHash
        self.lostCount = batch.lostCount
        self.events = batch.events
        self.counters = Int64(first.counter)...Int64(last.counter)
        self.chainHashes = chainHashes
        self.times = times
    }

    /// What is stored for one counter: its chain value, and the claimed value before it while
    /// its predecessor is missing.
    struct StoredLink {
        var chainHash: [UInt8]
        var openLink: [UInt8]?
    }

    /// Why the batch cannot be true given the stored neighbours and overlap, or `nil` when it
    /// agrees with all of them. For a batch above the confirmed chain.
    func contradiction(with stored: [Int64: StoredLink]) -> EventFinding.Reason? {
        let first = counters.lowerBound
        let last = counters.upperBound
        if let before = stored[first - 1], before.chainHash != previousChainHash { return .chainMismatch }
        for (offset, counter) in counters.enumerated() {
            if let known = stored[counter], known.chainHash != chainHashes[offset] { return .conflictingEvent }
        }
        if let after = stored[last + 1], let link = after.openLink, link != chainHashes[chainHashes.count - 1] {
            return .chainMismatch
        }
        return nil
    }

    /// Why the batch cannot be true given the confirmed chain up to `head`, or `nil` when it
    /// agrees with it. For a batch that starts at or below the counter after the head; only
    /// `stored` events at or below the head are compared, the unconfirmed ones above give way.
    func contradiction(withChain head: ChainHead, stored: [Int64: StoredLink]) -> EventFinding.Reason? {
        let first = counters.lowerBound
        if first == 1 && previousChainHash != ChainHead.zero { return .chainStart }
        if first == head.counter + 1 {
            if let hash = head.hash, hash != previousChainHash { return .chainMismatch }
            return nil
        }
        if let before = stored[first - 1], before.chainHash != previousChainHash { return .chainMismatch }
        for (offset, counter) in counters.enumerated() where counter <= head.counter {
            if let known = stored[counter], known.chainHash != chainHashes[offset] { return .conflictingEvent }
            if counter == head.counter, let hash = head.hash, hash != chainHashes[offset] { return .conflictingEvent }
        }
        return nil
    }
}
