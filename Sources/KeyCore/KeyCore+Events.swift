import PortvaktProtocol

extension KeyCore {
    /// Seals and stores one of the key's own events. When the store is full the event is counted
    /// as lost, and the count is written as a gap record as soon as there is room again, so that a
    /// loss always reaches the issuer.
    mutating func logOwnEvent(kind: KeyEvent.Kind, reason: ReasonCode, detail: UInt32, lockID: LockID) {
        guard let recipient = store.activation?.eventRecipient else { return }
        var state = store.state
        if state.lostOwnEvents > 0, store.uploads.count + 1 < store.uploadCapacity {
            let gap = KeyEvent(
                counter: state.nextEventCounter, time: clock.unixTime(), kind: .gap, reason: .granted,
                detail: state.lostOwnEvents, lockID: lockID)
            if let sealed = crypto.seal(gap.encoded, to: recipient) {
                state.nextEventCounter += 1
                state.lostOwnEvents = 0
                store.state = state
                store.appendUpload(UploadEntry(sequence: takeSequence(), kind: .ownEvent, sealed: sealed))
                state = store.state
            }
        }

        let event = KeyEvent(
            counter: state.nextEventCounter, time: clock.unixTime(), kind: kind, reason: reason, detail: detail,
            lockID: lockID)
        state.nextEventCounter += 1
        guard store.uploads.count < store.uploadCapacity, let sealed = crypto.seal(event.encoded, to: recipient) else {
            state.lostOwnEvents &+= 1
            store.state = state
            return
        }
        store.state = state
        store.appendUpload(UploadEntry(sequence: takeSequence(), kind: .ownEvent, sealed: sealed))
    }

    /// Hands out the next upload sequence number.
    mutating func takeSequence() -> UInt32 {
        let sequence = store.state.nextSequence
        store.state.nextSequence += 1
        return sequence
    }
}
