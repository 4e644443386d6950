/// The 16-byte identity of a lock, assigned when it is commissioned.
public struct LockID: Hashable, Comparable, Sendable {
    /// The identity's bytes.
    public let bytes: [UInt8]

    /// Wraps exactly ``FieldLength/lockID`` bytes; returns `nil` for any other length.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == FieldLength.lockID else { return nil }
        self.bytes = bytes
    }

    /// Orders identities bytewise, the order in which a credential lists its permissions.
    public static func < (lhs: LockID, rhs: LockID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// The 16-byte identity of a digital key, derived from the key's public key.
public struct KeyID: Hashable, Comparable, Sendable {
    /// The identity's bytes.
    public let bytes: [UInt8]

    /// Wraps exactly ``FieldLength/keyID`` bytes; returns `nil` for any other length.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == FieldLength.keyID else { return nil }
        self.bytes = bytes
    }

    /// Orders identities bytewise, the order of revocation-list entries.
    public static func < (lhs: KeyID, rhs: KeyID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// The all-zero identity, written in lock events that no authenticated key caused.
    public static let none = KeyID([UInt8](repeating: 0, count: FieldLength.keyID))!
}

/// The 8-byte identifier of one issuer signing key, so a lock can pick the right anchor.
public struct IssuerKeyID: Hashable, Sendable {
    /// The identifier's bytes.
    public let bytes: [UInt8]

    /// Wraps exactly ``FieldLength/issuerKeyID`` bytes; returns `nil` for any other length.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == FieldLength.issuerKeyID else { return nil }
        self.bytes = bytes
    }
}

extension ByteReader {
    /// Reads a ``LockID``.
    public mutating func lockID() throws(WireError) -> LockID {
        LockID(try raw(FieldLength.lockID))!
    }

    /// Reads a ``KeyID``.
    public mutating func keyID() throws(WireError) -> KeyID {
        KeyID(try raw(FieldLength.keyID))!
    }

    /// Reads an ``IssuerKeyID``.
    public mutating func issuerKeyID() throws(WireError) -> IssuerKeyID {
        IssuerKeyID(try raw(FieldLength.issuerKeyID))!
    }
}
