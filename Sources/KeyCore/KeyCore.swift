import PortvaktProtocol

/// The digital key's side of the protocol: accept an activation at sync, answer locks'
/// challenges, log its own passages and refused tries, carry lock events, and report at sync.
///
/// Pure Swift without Foundation. The private key lives behind the injected ``Signing`` value
/// (on a device, a secure element); this type can ask it to sign but can never read it out.
public struct KeyCore<
    Crypto: SignatureVerifying & Hashing & Sealing, Signer: Signing, Clock: KeyClock,
    Store: KeyStore
> {
    /// The enrolment configuration.
    public let configuration: KeyConfiguration
    /// The persistent state, readable for diagnostics and tests.
    public internal(set) var store: Store
    /// The key's identity, derived from its public key.
    public let keyID: KeyID
    let crypto: Crypto
    let signer: Signer
    let clock: Clock
    var tree: MerkleTree?
    var door: DoorSession?
    var syncHello: [UInt8]?

    /// A door transaction in progress.
    struct DoorSession {
        var challenge: [UInt8]
        var decoded: Challenge
        var version: UInt8
    }

    /// A key around an existing store; rebuilds the permission tree if the store holds an activation.
    public init(configuration: KeyConfiguration, crypto: Crypto, signer: Signer, clock: Clock, store: Store) {
        self.configuration = configuration
        self.crypto = crypto
        self.signer = signer
        self.clock = clock
        self.store = store
        keyID = crypto.keyID(for: signer.publicKey)
        if let activation = store.activation {
            tree = MerkleTree(leaves: activation.permissions.map { $0.encoded }, hasher: crypto)
        }
    }

    /// The public key to enrol with the issuer; the private half never leaves the key.
    public var publicKey: [UInt8] { signer.publicKey }

    /// Checks and stores an activation written by a station.
    ///
    /// - Throws: ``KeyError`` when the activation is for another key, signed by an untrusted or
    ///   wrong issuer key, or its permissions do not match the signed root.
    public mutating func activate(_ bytes: [UInt8]) throws(KeyError) {
        let activation: Activation
        do {
            activation = try Activation.decode(bytes)
        } catch {
            throw .malformed(error)
        }
        let credential = activation.credential
        guard credential.keyID == keyID, credential.keyPublicKey == signer.publicKey else {
            throw .activationForAnotherKey
        }
        try verifyIssuerSignature(
            issuerID: credential.issuerID, keyID: credential.issuerKeyID, signedAt: credential.issuedAt,
            signature: credential.signature, message: credential.signedMessage)
        guard activation.eventRecipient.count == FieldLength.publicKey else {
            throw .malformed(.invalidField(.reserved))
        }

        let permissions = activation.permissions
        for index in permissions.indices.dropFirst() where permissions[index].lockID < permissions[index - 1].lockID {
            throw .permissionsOutOfOrder
        }
        let tree = MerkleTree(leaves: permissions.map { $0.encoded }, hasher: crypto)
        guard permissions.count == Int(credential.permissionCount), tree.root == credential.permissionRoot else {
            throw .permissionRootMismatch
        }
        for list in activation.revocationLists {
            try verifyIssuerSignature(
                issuerID: list.issuerID, keyID: list.issuerKeyID, signedAt: list.issuedAt,
                signature: list.signature, message: list.signedMessage)
        }

        store.activation = activation
        self.tree = tree
    }

    func verifyIssuerSignature(
        issuerID: UInt32, keyID: IssuerKeyID, signedAt: UInt64, signature: [UInt8], message: [UInt8]
    ) throws(KeyError) {
        guard let anchor = configuration.trustAnchors.anchor(issuerID: issuerID, keyID: keyID, signedAt: signedAt)
        else { throw .untrustedIssuer }
        guard crypto.verify(signature: signature, message: message, publicKey: anchor.publicKey) else {
            throw .badIssuerSignature
        }
    }

    /// Index of the permission to present to `lockID`: the first for that lock whose schedule
    /// allows use at `time`, else the first for that lock (the lock will then say why not).
    func permissionIndex(for lockID: LockID, at time: UInt64, in activation: Activation) -> Int? {
        let permissions = activation.permissions
        var low = 0
        var high = permissions.count
        while low < high {
            let middle = (low + high) / 2
            if permissions[middle].lockID < lockID { low = middle + 1 } else { high = middle }
        }
        var fallback: Int?
        var index = low
        while index < permissions.count, permissions[index].lockID == lockID {
            let offset = activation.credential.utcOffsetMinutes
            if permissions[index].schedule.allows(time, utcOffsetMinutes: offset) { return index }
            if fallback == nil { fallback = index }
            index += 1
        }
        return fallback
    }
}
