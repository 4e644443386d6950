import PortvaktProtocol

extension LockCore {
    /// Decides on an encoded presentation, logs the decision, and returns the decision to send.
    ///
    /// Costs at most two Ed25519 verifications (issuer over the credential header, key over the
    /// transcript) and one hash per Merkle level plus one, whatever the number of permissions.
    /// The challenge is consumed whatever the outcome, so no transcript can be answered twice.
    public mutating func decide(_ bytes: [UInt8]) -> Decision {
        guard var current = liveSession(), !current.presented else {
            return record(.noChallenge, nonce: [UInt8](repeating: 0, count: ProtocolLimits.nonceLength))
        }
        current.presented = true
        session = current

        let presentation: Presentation
        do {
            presentation = try Presentation.decode(bytes)
        } catch {
            if case .unsupportedVersion = error { return record(.unsupportedVersion, nonce: current.nonce) }
            return record(.malformed, nonce: current.nonce)
        }
        current.version = presentation.version
        session = current

        guard constantTimeEquals(presentation.nonceEcho, current.nonce) else {
            return record(.noChallenge, nonce: current.nonce)
        }
        let negotiated = min(configuration.maxVersion, presentation.keyMaxVersion)
        guard negotiated >= configuration.minVersion else { return record(.unsupportedVersion, nonce: current.nonce) }
        guard presentation.version == negotiated else { return record(.downgrade, nonce: current.nonce) }

        let credential = presentation.credential
        guard
            let anchor = configuration.trustAnchors.anchor(
                issuerID: credential.issuerID, keyID: credential.issuerKeyID, signedAt: credential.issuedAt)
        else { return record(.unknownIssuer, nonce: current.nonce) }
        guard
            crypto.verify(
                signature: credential.signature, message: credential.signedMessage, publicKey: anchor.publicKey)
        else { return record(.badIssuerSignature, nonce: current.nonce) }
        raiseTimeFloor(to: credential.issuedAt)

        guard
            crypto.verify(
                signature: presentation.signature, message: presentation.transcript(challenge: current.challenge),
                publicKey: credential.keyPublicKey)
        else { return record(.badKeySignature, nonce: current.nonce) }
        let keyID = credential.keyID
        current.authenticatedKey = credential.keyPublicKey
        session = current

        if let refusal = authorize(presentation) {
            if refusal == .revoked { session?.authenticatedKey = nil }
            return record(refusal, nonce: current.nonce, keyID: keyID, issuerID: credential.issuerID)
        }
        return record(.granted, nonce: current.nonce, keyID: keyID, issuerID: credential.issuerID)
    }

    /// The checks after both signatures: revocation, lifetime, time, permission and schedule.
    /// Returns the refusal reason, or `nil` to open.
    func authorize(_ presentation: Presentation) -> ReasonCode? {
        let credential = presentation.credential
        let tolerance = configuration.timeTolerance
        let floor = store.state.timeFloor

        if let list = store.revocationLists.first(where: { $0.issuerID == credential.issuerID }),
            list.revokes(keyID: credential.keyID, issuedAt: credential.issuedAt)
        {
            return .revoked
        }
        guard credential.validUntil - credential.validFrom <= configuration.maxCredentialLifetime else {
            return .lifetimeTooLong
        }

        // A lock with a clock trusts it (never below the floor); one without uses the key's time,
        // which may not lie before the floor. Either way the floor alone already rules out any
        // credential that ended before a signed time the lock has seen.
        // Known limitation: a lock without a clock evaluates schedules at the key's claimed time, so
        // a key with compromised firmware may pick any time inside its own shift-long credential
        // that is not before the lock's floor.
        let now: UInt64
        if let clockTime = clock.unixTime() {
            now = max(clockTime, floor)
        } else {
            guard presentation.keyTime &+ tolerance >= floor else { return .timeRollback }
            now = max(presentation.keyTime, floor)
        }
        guard credential.validUntil &+ tolerance >= floor, credential.validUntil &+ tolerance >= now else {
            return .expired
        }
        guard credential.validFrom <= now &+ tolerance else { return .notYetValid }

        guard
            MerkleTree.verify(
                leaf: presentation.permission.encoded, index: Int(presentation.leafIndex),
                count: Int(credential.permissionCount), siblings: presentation.proof,
                root: credential.permissionRoot, hasher: crypto)
        else { return .badPermissionProof }
        guard presentation.permission.lockID == configuration.lockID else { return .wrongLock }
        guard presentation.permission.schedule.allows(now, utcOffsetMinutes: credential.utcOffsetMinutes) else {
            return .outsideSchedule
        }
        return nil
    }

    // Known limitation: unauthenticated refusals (no challenge, malformed) are logged too, so someone
    // in radio range can fill the log; undelivered events then overflow into a recorded gap.
    /// Logs the decision, prepares the event hand-off for an authenticated key, and builds the reply.
    mutating func record(
        _ reason: ReasonCode, nonce: [UInt8], keyID: KeyID = .none, issuerID: UInt32 = 0
    ) -> Decision {
        noteClockFault()
        let counter = appendEvent(
            kind: reason == .granted ? .opened : .refused, reason: reason, detail: issuerID, keyID: keyID)
        var sealed: [UInt8] = []
        if session?.authenticatedKey != nil, configuration.capabilities.contains(.eventHandoff) {
            sealed = sealPendingEvents()
        }
        return Decision(
            version: session?.version ?? ProtocolVersion.current, opened: reason == .granted, reason: reason,
            lockID: configuration.lockID, nonceEcho: nonce, eventCounter: counter,
            timeFloor: store.state.timeFloor, batchThrough: sealed.isEmpty ? 0 : session?.handedThrough ?? 0,
            sealedEvents: sealed)
    }

    /// Logs once per power cycle that the real-time clock reads earlier than the floor allows.
    mutating func noteClockFault() {
        guard !clockFaultLogged, let clockTime = clock.unixTime(),
            clockTime &+ configuration.timeTolerance < store.state.timeFloor
        else { return }
        clockFaultLogged = true
        let lag = store.state.timeFloor - clockTime
        _ = appendEvent(kind: .clockBehindFloor, reason: .granted, detail: UInt32(clamping: lag), keyID: .none)
    }
}

/// Compares two byte strings without an early exit, so timing does not reveal a nonce prefix.
func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
