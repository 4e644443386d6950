import PortvaktProtocol
import ProtocolCrypto

/// Builds and signs activation credentials. This is what the authorization server calls when a
/// key docks at the start of a shift.
public struct CredentialIssuer: Sendable {
    /// The key that signs.
    public let signingKey: IssuerSigningKey
    /// Longest validity window the issuer will sign, in seconds: a shift (16 hours by default).
    public var maxLifetime: UInt64
    private let crypto = SodiumProtocolCrypto()

    /// An issuer signing with `signingKey`, limiting credentials to `maxLifetime` seconds.
    public init(signingKey: IssuerSigningKey, maxLifetime: UInt64 = 16 * 3_600) {
        self.signingKey = signingKey
        self.maxLifetime = maxLifetime
    }

    /// Builds and signs a credential for one key and shift.
    ///
    /// Permissions are sorted by lock identity, so the same grants always give the same root and a
    /// key can find a lock's permission by binary search.
    ///
    /// - Throws: ``IssuanceError/tooManyPermissions(count:limit:)`` above 4,000 permissions, and
    ///   the other cases for an over-long window or a malformed schedule.
    public func issue(_ request: CredentialRequest) throws(IssuanceError) -> IssuedCredential {
        guard request.permissions.count <= ProtocolLimits.maxPermissions else {
            throw .tooManyPermissions(count: request.permissions.count, limit: ProtocolLimits.maxPermissions)
        }
        guard request.keyPublicKey.count == FieldLength.publicKey else { throw .invalidKeyPublicKey }
        guard request.validFrom <= request.validUntil else { throw .validityInverted }
        let lifetime = request.validUntil - request.validFrom
        guard lifetime <= maxLifetime else { throw .lifetimeTooLong(seconds: lifetime, limit: maxLifetime) }
        if let bad = request.permissions.firstIndex(where: { !$0.isValid }) {
            throw .invalidSchedule(permissionIndex: bad)
        }

        let encoded = request.permissions.map { (permission: $0, bytes: $0.encoded) }
            .sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        let tree = MerkleTree(leaves: encoded.map(\.bytes), hasher: crypto)

        var credential = Credential(
            utcOffsetMinutes: request.utcOffsetMinutes, issuerID: signingKey.issuerID,
            issuerKeyID: signingKey.keyID, keyID: crypto.keyID(for: request.keyPublicKey),
            keyPublicKey: request.keyPublicKey, issuedAt: request.issuedAt, validFrom: request.validFrom,
            validUntil: request.validUntil, revocationVersion: request.revocationVersion,
            permissionCount: UInt16(encoded.count), permissionRoot: tree.root)
        credential.signature = signingKey.sign(credential.signedMessage)
        return IssuedCredential(credential: credential, permissions: encoded.map(\.permission), tree: tree)
    }
}

/// What the issuer needs to build one credential.
public struct CredentialRequest: Sendable {
    /// The key's Ed25519 public key, enrolled earlier.
    public var keyPublicKey: [UInt8]
    /// When the issuer signs (Unix seconds).
    public var issuedAt: UInt64
    /// Start of the shift.
    public var validFrom: UInt64
    /// End of the shift.
    public var validUntil: UInt64
    /// Local-time offset for weekly schedules during the shift.
    public var utcOffsetMinutes: Int16
    /// The issuer's current revocation-list version.
    public var revocationVersion: UInt32
    /// The doors and their schedules.
    public var permissions: [Permission]

    /// A request from its fields.
    public init(
        keyPublicKey: [UInt8], issuedAt: UInt64, validFrom: UInt64, validUntil: UInt64,
        utcOffsetMinutes: Int16 = 0, revocationVersion: UInt32 = 0, permissions: [Permission]
    ) {
        self.keyPublicKey = keyPublicKey
        self.issuedAt = issuedAt
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.utcOffsetMinutes = utcOffsetMinutes
        self.revocationVersion = revocationVersion
        self.permissions = permissions
    }
}

/// A signed credential with its permissions in leaf order.
public struct IssuedCredential: Sendable {
    /// The signed credential.
    public let credential: Credential
    /// The permissions in the order of the tree's leaves.
    public let permissions: [Permission]
    /// The Merkle tree over them.
    public let tree: MerkleTree

    /// The activation message for a station to write to the key.
    public func activation(eventRecipient: [UInt8], revocationLists: [RevocationList]) -> [UInt8] {
        Activation(
            credential: credential, eventRecipient: eventRecipient, permissions: permissions,
            revocationLists: revocationLists
        ).encoded
    }
}
