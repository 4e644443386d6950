/// Domain-separation prefixes. Every signed or hashed structure starts with its own prefix so that
/// a signature made for one purpose can never be presented as another.
public enum Domain {
    /// Prefixes the credential header before the issuer signs it.
    public static let credential = ascii("portvakt/cred/v1")
    /// Prefixes the door-transaction transcript before the key signs it.
    public static let door = ascii("portvakt/door/v1")
    /// Prefixes a revocation list before the issuer signs it.
    public static let revocation = ascii("portvakt/revl/v1")
    /// Prefixes the sync transcript before the key signs its report.
    public static let sync = ascii("portvakt/sync/v1")
    /// Prefixes an event acknowledgement before the issuer signs it.
    public static let eventAck = ascii("portvakt/evak/v1")
    /// Prefixes a key's public key when its identity is derived.
    public static let keyIdentity = ascii("portvakt/kid_/v1")
    /// Prefixes an issuer public key when its identifier is derived.
    public static let issuerKeyIdentity = ascii("portvakt/ikid/v1")

    /// The first byte hashed with a permission leaf.
    public static let merkleLeaf: UInt8 = 0x00
    /// The first byte hashed with two child digests.
    public static let merkleNode: UInt8 = 0x01
    /// The first byte hashed when a lock extends its event hash chain.
    public static let eventChain: UInt8 = 0x02

    private static func ascii(_ text: StaticString) -> [UInt8] {
        text.withUTF8Buffer { Array($0) }
    }
}

extension Hashing {
    /// A key's identity: the first 16 bytes of BLAKE2b-256 over its domain and public key.
    public func keyID(for publicKey: [UInt8]) -> KeyID {
        KeyID(Array(hash(Domain.keyIdentity + publicKey).prefix(FieldLength.keyID)))!
    }

    /// An issuer key's identifier: the first 8 bytes of BLAKE2b-256 over its domain and public key.
    public func issuerKeyID(for publicKey: [UInt8]) -> IssuerKeyID {
        IssuerKeyID(Array(hash(Domain.issuerKeyIdentity + publicKey).prefix(FieldLength.issuerKeyID)))!
    }
}
