import PortvaktProtocol

extension LockCore {
    /// Appends an event, extending the hash chain, and returns its counter.
    ///
    /// When the log is full the oldest event makes room. If no key has carried it yet, the loss is
    /// counted and reported as a gap in the next batch: events can be lost only to overflow, and
    /// never without a trace.
    @discardableResult
    mutating func appendEvent(kind: LockEvent.Kind, reason: ReasonCode, detail: UInt32, keyID: KeyID) -> UInt64 {
        var state = store.state
        while store.events.count >= store.eventCapacity, let oldest = store.events.first {
            if oldest.event.counter > state.deliveredThrough { state.lostUndelivered &+= 1 }
            store.removeOldestEvent()
        }

        let event = LockEvent(
            counter: state.nextEventCounter, time: effectiveTime, kind: kind, reason: reason, detail: detail,
            keyID: keyID)
        store.appendEvent(StoredLockEvent(event: event, chainBefore: state.chainHead))
        state.chainHead = event.chained(after: state.chainHead, hasher: crypto)
        state.nextEventCounter += 1
        store.state = state
        return event.counter
    }

    // Known limitation: a lock holds no secret, so it cannot sign its batches; the server checks
    // counters and the hash chain against what it already holds, but cannot prove a batch came from
    // the lock rather than from someone who read the chain head out of the lock's flash.
    /// Seals the oldest undelivered events (at most ``ProtocolLimits/maxEventsPerBatch``) to the
    /// issuer, and remembers how far the batch reaches so a receipt can confirm it.
    mutating func sealPendingEvents() -> [UInt8] {
        let delivered = store.state.deliveredThrough
        let pending = store.events.lazy.filter { $0.event.counter > delivered }.prefix(ProtocolLimits.maxEventsPerBatch)
        guard let first = pending.first, let last = pending.last else { return [] }

        let batch = EventBatch(
            lockID: configuration.lockID, previousChainHash: first.chainBefore,
            lostCount: store.state.lostUndelivered, events: pending.map { $0.event })
        guard let sealed = crypto.seal(batch.encoded, to: configuration.eventRecipient) else { return [] }
        session?.handedThrough = last.event.counter
        return sealed
    }

    /// Accepts a key's signed receipt for the batch handed over in this session.
    public mutating func acceptReceipt(_ bytes: [UInt8]) -> ReasonCode {
        guard let current = liveSession(), let keyPublicKey = current.authenticatedKey,
            let handedThrough = current.handedThrough
        else { return .notAuthenticated }
        let receipt: EventReceipt
        do {
            receipt = try EventReceipt.decode(bytes)
        } catch {
            return .malformed
        }
        guard constantTimeEquals(receipt.nonceEcho, current.nonce) else { return .noChallenge }
        guard
            crypto.verify(
                signature: receipt.signature, message: receipt.transcript(challenge: current.challenge),
                publicKey: keyPublicKey)
        else { return .badKeySignature }
        guard receipt.upToCounter <= handedThrough, receipt.upToCounter > store.state.deliveredThrough else {
            return .malformed
        }

        var state = store.state
        state.deliveredThrough = receipt.upToCounter
        state.lostUndelivered = 0
        store.state = state
        session?.handedThrough = nil
        return .granted
    }
}
