import CSodium

// One Ed25519 key pair can serve both for signatures and, converted to X25519, for boxes; the
// station link uses this so that a station and the server each hold a single identity key.
// Each key should serve one purpose per protocol: the server's link key is not its issuer key.

extension Ed25519 {
    /// The X25519 public key that corresponds to an Ed25519 public key
    /// (`crypto_sign_ed25519_pk_to_curve25519`).
    /// - Throws: ``CryptoError/invalidLength(expected:actual:)`` for a key that is not 32 bytes,
    ///   ``CryptoError/invalidPublicKey`` for bytes that are not a valid Ed25519 point.
    public static func x25519PublicKey(from publicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard publicKey.count == publicKeyLength else {
            throw .invalidLength(expected: publicKeyLength, actual: publicKey.count)
        }
        Sodium.ensureInitialized()
        var converted = [UInt8](repeating: 0, count: Box.keyLength)
        guard crypto_sign_ed25519_pk_to_curve25519(&converted, publicKey) == 0 else { throw .invalidPublicKey }
        return converted
    }
}

extension Ed25519.PrivateKey {
    /// The X25519 private key that corresponds to this signing key
    /// (`crypto_sign_ed25519_sk_to_curve25519`); its public key equals
    /// ``Ed25519/x25519PublicKey(from:)`` of this key's public key.
    public var boxKey: Box.PrivateKey {
        var converted = [UInt8](repeating: 0, count: Box.keyLength)
        defer { secureZero(&converted) }
        let status = secret.withUnsafeBytes { secretKey in
            crypto_sign_ed25519_sk_to_curve25519(&converted, secretKey.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        precondition(status == 0, "crypto_sign_ed25519_sk_to_curve25519 failed with a valid key")
        // A converted scalar is always 32 bytes.
        return try! Box.PrivateKey(secret: converted)
    }
}
