import PortvaktProtocol

extension KeyCore {
    /// Answers a lock's challenge with any newer revocation lists and a signed presentation.
    ///
    /// - Throws: ``KeyError/noPermission`` (after logging the try) when the key holds no
    ///   permission for the lock; ``KeyError/notActivated`` without a credential.
    public mutating func answer(_ challengeBytes: [UInt8]) throws(KeyError) -> DoorAnswer {
        let challenge: Challenge
        do {
            challenge = try Challenge.decode(challengeBytes)
        } catch {
            throw .malformed(error)
        }
        guard let activation = store.activation, let tree else { throw .notActivated }
        door = nil

        let now = clock.unixTime()
        guard let index = permissionIndex(for: challenge.lockID, at: now, in: activation) else {
            logOwnEvent(kind: .noPermission, reason: .wrongLock, detail: 0, lockID: challenge.lockID)
            throw .noPermission
        }
        let version = min(challenge.maxVersion, configuration.maxVersion)
        guard version >= challenge.minVersion, ProtocolVersion.supported.contains(version) else {
            throw .malformed(.unsupportedVersion(challenge.minVersion))
        }

        var presentation = Presentation(
            version: version, keyMaxVersion: configuration.maxVersion, keyCapabilities: configuration.capabilities,
            nonceEcho: challenge.nonce, keyTime: now, credential: activation.credential, leafIndex: UInt16(index),
            permission: activation.permissions[index], proof: tree.proof(for: index))
        presentation.signature = signer.sign(presentation.transcript(challenge: challengeBytes))
        door = DoorSession(challenge: challengeBytes, decoded: challenge, version: version)
        return DoorAnswer(
            revocationUpdates: revocationUpdates(for: challenge, activation: activation),
            presentation: presentation.encoded)
    }

    /// Lists newer than the lock's, for issuers the lock already follows plus the key's own issuer.
    func revocationUpdates(for challenge: Challenge, activation: Activation) -> [[UInt8]] {
        guard challenge.capabilities.contains(.revocationUpdate),
            configuration.capabilities.contains(.revocationUpdate)
        else { return [] }
        return activation.revocationLists.compactMap { list in
            let held = challenge.revocationVersions.first { $0.issuerID == list.issuerID }
            let wanted = held.map { $0.version < list.version } ?? (list.issuerID == activation.credential.issuerID)
            return wanted ? RevocationUpdate.encode(list) : nil
        }
    }

    /// Takes the lock's decision: logs it, stores any sealed events, and returns the receipt to
    /// send back.
    public mutating func accept(_ decisionBytes: [UInt8]) throws(KeyError) -> DoorOutcome {
        guard let session = door else { throw .noPendingChallenge }
        let decision: Decision
        do {
            decision = try Decision.decode(decisionBytes)
        } catch {
            throw .malformed(error)
        }
        guard decision.lockID == session.decoded.lockID, decision.nonceEcho == session.decoded.nonce else {
            throw .decisionMismatch
        }
        door = nil

        logOwnEvent(
            kind: decision.opened ? .passage : .refusedByLock, reason: decision.reason,
            detail: UInt32(truncatingIfNeeded: decision.eventCounter), lockID: decision.lockID)

        guard !decision.sealedEvents.isEmpty, hasRoomForLockBatch else {
            return DoorOutcome(opened: decision.opened, reason: decision.reason, receipt: nil)
        }
        store.appendUpload(UploadEntry(sequence: takeSequence(), kind: .lockBatch, sealed: decision.sealedEvents))
        var receipt = EventReceipt(
            version: session.version, nonceEcho: session.decoded.nonce, upToCounter: decision.batchThrough)
        receipt.signature = signer.sign(receipt.transcript(challenge: session.challenge))
        return DoorOutcome(opened: decision.opened, reason: decision.reason, receipt: receipt.encoded)
    }

    /// Whether a lock batch fits without eating into the space kept for the key's own events.
    var hasRoomForLockBatch: Bool {
        store.uploads.count + configuration.ownEventReserve < store.uploadCapacity
    }
}
