/// The activation credential: the issuer's signed statement that a key may, during one shift, open
/// the locks whose permissions hash to ``permissionRoot``.
///
/// The header is a fixed 128 bytes and the whole credential 192, so that a lock verifies one
/// signature over a small message no matter how many permissions the key carries.
public struct Credential: Equatable, Sendable {
    /// Length of the signed header.
    public static let headerLength = 128
    /// Length of the header and the issuer's signature.
    public static let encodedLength = headerLength + FieldLength.signature
    /// The credential format this implementation writes and reads.
    public static let formatVersion: UInt8 = 1

    /// Local-time offset from UTC, in minutes, used for weekly schedules during this credential.
    public var utcOffsetMinutes: Int16
    /// The organisation that issued the credential (one of the issuers a lock may trust).
    public var issuerID: UInt32
    /// The issuer signing key that signed it.
    public var issuerKeyID: IssuerKeyID
    /// The key this credential belongs to.
    public var keyID: KeyID
    /// The key's Ed25519 public key, which must sign every door transcript.
    public var keyPublicKey: [UInt8]
    /// When the issuer signed it (Unix seconds); a signed time a lock's time floor may rise to.
    public var issuedAt: UInt64
    /// Start of validity (Unix seconds).
    public var validFrom: UInt64
    /// End of validity (Unix seconds), inclusive.
    public var validUntil: UInt64
    /// The issuer's revocation-list version when the credential was issued.
    public var revocationVersion: UInt32
    /// How many permissions the Merkle tree holds.
    public var permissionCount: UInt16
    /// The Merkle root over the permission leaves.
    public var permissionRoot: [UInt8]
    /// The issuer's Ed25519 signature over ``Domain/credential`` and the header.
    public var signature: [UInt8]

    /// A credential from its fields; ``signature`` is usually filled in by the issuer afterwards.
    public init(
        utcOffsetMinutes: Int16, issuerID: UInt32, issuerKeyID: IssuerKeyID, keyID: KeyID, keyPublicKey: [UInt8],
        issuedAt: UInt64, validFrom: UInt64, validUntil: UInt64, revocationVersion: UInt32,
        permissionCount: UInt16, permissionRoot: [UInt8], signature: [UInt8] = []
    ) {
        self.utcOffsetMinutes = utcOffsetMinutes
        self.issuerID = issuerID
        self.issuerKeyID = issuerKeyID
        self.keyID = keyID
        self.keyPublicKey = keyPublicKey
        self.issuedAt = issuedAt
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.revocationVersion = revocationVersion
        self.permissionCount = permissionCount
        self.permissionRoot = permissionRoot
        self.signature = signature
    }

    /// The 128-byte header, exactly as signed.
    public var header: [UInt8] {
        var writer = ByteWriter(capacity: Self.headerLength)
        writer.u8(Self.formatVersion)
        writer.u8(0)
        writer.i16(utcOffsetMinutes)
        writer.u32(issuerID)
        writer.raw(issuerKeyID.bytes)
        writer.raw(keyID.bytes)
        writer.raw(keyPublicKey)
        writer.u64(issuedAt)
        writer.u64(validFrom)
        writer.u64(validUntil)
        writer.u32(revocationVersion)
        writer.u16(permissionCount)
        writer.zeros(2)
        writer.raw(permissionRoot)
        return writer.bytes
    }

    /// The bytes the issuer signs: ``Domain/credential`` followed by the header.
    public var signedMessage: [UInt8] { Domain.credential + header }

    /// Appends header and signature.
    public func encode(into writer: inout ByteWriter) {
        precondition(signature.count == FieldLength.signature, "only signed credentials are encoded")
        writer.raw(header)
        writer.raw(signature)
    }

    /// The 192-byte encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        encode(into: &writer)
        return writer.bytes
    }

    /// Reads a credential; checks layout and limits but not the signature, which needs a trust anchor.
    public static func decode(from reader: inout ByteReader) throws(WireError) -> Credential {
        let format = try reader.u8()
        guard format == formatVersion else { throw .unsupportedVersion(format) }
        try reader.reserved(1)
        let offset = try reader.i16()
        let issuerID = try reader.u32()
        let issuerKeyID = try reader.issuerKeyID()
        let keyID = try reader.keyID()
        let keyPublicKey = try reader.raw(FieldLength.publicKey)
        let issuedAt = try reader.u64()
        let validFrom = try reader.u64()
        let validUntil = try reader.u64()
        let revocationVersion = try reader.u32()
        let count = try reader.u16()
        try reader.reserved(2)
        let root = try reader.raw(FieldLength.digest)
        let signature = try reader.raw(FieldLength.signature)

        guard Int(count) <= ProtocolLimits.maxPermissions else { throw .overLimit(.permissionCount) }
        guard validFrom <= validUntil else { throw .invalidField(.validityWindow) }
        return Credential(
            utcOffsetMinutes: offset, issuerID: issuerID, issuerKeyID: issuerKeyID, keyID: keyID,
            keyPublicKey: keyPublicKey, issuedAt: issuedAt, validFrom: validFrom, validUntil: validUntil,
            revocationVersion: revocationVersion, permissionCount: count, permissionRoot: root, signature: signature)
    }

    /// Decodes exactly one credential.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Credential {
        var reader = ByteReader(bytes)
        let credential = try decode(from: &reader)
        try reader.finish()
        return credential
    }
}
