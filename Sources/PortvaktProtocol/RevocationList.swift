/// An issuer's signed, versioned block list, carried by keys to locks. A lock keeps the newest
/// version per issuer.
///
/// A credential is refused when its key is listed with `revokedAt` at or after the credential's
/// issue time, or when the credential was issued before ``credentialsIssuedBefore``. The cut-off is
/// how a full list is emptied without refusing anyone new: raising it ends every credential issued
/// earlier, all entries become redundant, and staff simply dock again for a fresh credential.
public struct RevocationList: Equatable, Sendable {
    /// Bytes before the entries.
    public static let headerLength = 36
    /// The format this implementation writes and reads.
    public static let formatVersion: UInt8 = 1

    /// The issuing organisation.
    public var issuerID: UInt32
    /// The issuer key that signed the list.
    public var issuerKeyID: IssuerKeyID
    /// Monotonic list version; a lock replaces its list only with a higher one.
    public var version: UInt32
    /// When the list was signed (Unix seconds); a signed time a lock's floor may rise to.
    public var issuedAt: UInt64
    /// Credentials of this issuer issued before this time are refused; 0 disables the cut-off.
    public var credentialsIssuedBefore: UInt64
    /// Blocked keys in strictly ascending ``KeyID`` order, so a lock can binary-search them.
    public var entries: [RevocationEntry]
    /// The issuer's signature over ``Domain/revocation`` and everything before it.
    public var signature: [UInt8]

    /// A list from its fields; ``signature`` is usually filled in by the issuer afterwards.
    public init(
        issuerID: UInt32, issuerKeyID: IssuerKeyID, version: UInt32, issuedAt: UInt64,
        credentialsIssuedBefore: UInt64, entries: [RevocationEntry], signature: [UInt8] = []
    ) {
        self.issuerID = issuerID
        self.issuerKeyID = issuerKeyID
        self.version = version
        self.issuedAt = issuedAt
        self.credentialsIssuedBefore = credentialsIssuedBefore
        self.entries = entries
        self.signature = signature
    }

    /// Header and entries, exactly as signed.
    public var body: [UInt8] {
        precondition(entries.count <= ProtocolLimits.maxRevocationEntries, "revocation list over capacity")
        var writer = ByteWriter(capacity: Self.headerLength + entries.count * RevocationEntry.encodedLength)
        writer.u8(Self.formatVersion)
        writer.u8(0)
        writer.u16(UInt16(entries.count))
        writer.u32(issuerID)
        writer.raw(issuerKeyID.bytes)
        writer.u32(version)
        writer.u64(issuedAt)
        writer.u64(credentialsIssuedBefore)
        for entry in entries {
            writer.raw(entry.keyID.bytes)
            writer.u64(entry.revokedAt)
            writer.u64(entry.expiresAt)
        }
        return writer.bytes
    }

    /// The bytes the issuer signs.
    public var signedMessage: [UInt8] { Domain.revocation + body }

    /// Body followed by signature.
    public var encoded: [UInt8] {
        precondition(signature.count == FieldLength.signature, "only signed lists are encoded")
        return body + signature
    }

    /// Whether a credential of this issuer for `keyID`, issued at `issuedAt`, is revoked.
    /// Binary search: O(log n) comparisons, no hashing.
    public func revokes(keyID: KeyID, issuedAt: UInt64) -> Bool {
        if issuedAt < credentialsIssuedBefore { return true }
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].keyID < keyID {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < entries.count && entries[low].keyID == keyID && issuedAt <= entries[low].revokedAt
    }

    /// Reads a list, enforcing the capacity and strict entry order; the signature is checked by
    /// the receiver against its trust anchors.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> RevocationList {
        var reader = ByteReader(bytes)
        let format = try reader.u8()
        guard format == formatVersion else { throw .unsupportedVersion(format) }
        try reader.reserved(1)
        let count = Int(try reader.u16())
        guard count <= ProtocolLimits.maxRevocationEntries else { throw .overLimit(.revocationEntries) }
        let issuerID = try reader.u32()
        let issuerKeyID = try reader.issuerKeyID()
        let version = try reader.u32()
        let issuedAt = try reader.u64()
        let cutoff = try reader.u64()
        var entries: [RevocationEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let entry = RevocationEntry(
                keyID: try reader.keyID(), revokedAt: try reader.u64(), expiresAt: try reader.u64())
            if let previous = entries.last, !(previous.keyID < entry.keyID) { throw .invalidField(.revocationOrder) }
            entries.append(entry)
        }
        let signature = try reader.raw(FieldLength.signature)
        try reader.finish()
        return RevocationList(
            issuerID: issuerID, issuerKeyID: issuerKeyID, version: version, issuedAt: issuedAt,
            credentialsIssuedBefore: cutoff, entries: entries, signature: signature)
    }
}

/// One blocked key.
public struct RevocationEntry: Equatable, Sendable {
    /// Encoded length of one entry.
    public static let encodedLength = 32

    /// The blocked key.
    public var keyID: KeyID
    /// Credentials issued at or before this time are refused (Unix seconds).
    public var revokedAt: UInt64
    /// After this time every credential the entry could refuse has expired anyway, and the issuer
    /// drops the entry from the next version.
    public var expiresAt: UInt64

    /// An entry blocking `keyID`'s credentials issued up to `revokedAt`.
    public init(keyID: KeyID, revokedAt: UInt64, expiresAt: UInt64) {
        self.keyID = keyID
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
    }
}
