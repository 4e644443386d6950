import PortvaktProtocol

extension LockCore {
    /// Installs a revocation list a key carried, if it is signed by a trusted anchor and newer
    /// than the one held for its issuer. Needs a pending challenge, which bounds how often an
    /// outsider can make the lock verify a signature.
    ///
    /// Costs one Ed25519 verification; it happens before, and separately from, a door decision.
    public mutating func installRevocationList(_ bytes: [UInt8]) -> ReasonCode {
        guard liveSession() != nil else { return .noChallenge }
        let list: RevocationList
        do {
            list = try RevocationUpdate.decode(bytes)
        } catch {
            if case .unsupportedVersion = error { return .unsupportedVersion }
            return .malformed
        }
        guard
            let anchor = configuration.trustAnchors.anchor(
                issuerID: list.issuerID, keyID: list.issuerKeyID, signedAt: list.issuedAt)
        else { return .unknownIssuer }

        let held = store.revocationLists.first { $0.issuerID == list.issuerID }
        if let held, held.version >= list.version { return .staleRevocationList }
        if held == nil, store.revocationLists.count >= ProtocolLimits.maxIssuers { return .issuerCapacity }
        guard crypto.verify(signature: list.signature, message: list.signedMessage, publicKey: anchor.publicKey) else {
            return .badIssuerSignature
        }

        store.saveRevocationList(list)
        raiseTimeFloor(to: list.issuedAt)
        appendEvent(kind: .revocationInstalled, reason: .granted, detail: list.version, keyID: .none)
        return .granted
    }
}
