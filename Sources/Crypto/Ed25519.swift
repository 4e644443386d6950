import CSodium

/// Ed25519 signatures (RFC 8032) through libsodium.
public enum Ed25519 {
    /// Length of a public key.
    public static let publicKeyLength = 32
    /// Length of the seed a key pair is derived from.
    public static let seedLength = 32
    /// Length of a detached signature.
    public static let signatureLength = 64

    /// A signing key. The 64-byte libsodium secret key is held in ``SecretBytes`` and zeroed on release.
    public struct PrivateKey: Sendable {
        // Internal so that the X25519 conversion beside this file can read it.
        let secret: SecretBytes
        /// The matching public key.
        public let publicKey: [UInt8]

        /// Derives the key pair from a 32-byte seed (the RFC 8032 "private key").
        public init(seed: [UInt8]) throws(CryptoError) {
            guard seed.count == Ed25519.seedLength else {
                throw .invalidLength(expected: Ed25519.seedLength, actual: seed.count)
            }
            Sodium.ensureInitialized()
            var publicKey = [UInt8](repeating: 0, count: Ed25519.publicKeyLength)
            var secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
            let status = crypto_sign_seed_keypair(&publicKey, &secretKey, seed)
            guard status == 0 else {
                secureZero(&secretKey)
                throw .keyGenerationFailed
            }
            self.publicKey = publicKey
            self.secret = SecretBytes(secretKey)
        }

        /// Makes a fresh key pair from operating-system randomness.
        public static func generate() -> PrivateKey {
            var seed = RandomBytes.generate(Ed25519.seedLength)
            defer { secureZero(&seed) }
            // A 32-byte seed is always accepted.
            return try! PrivateKey(seed: seed)
        }

        /// Signs `message` and returns the 64-byte detached signature.
        public func sign(_ message: [UInt8]) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureLength)
            let status = secret.withUnsafeBytes { secretKey in
                message.withUnsafeBufferPointer { messageBuffer in
                    crypto_sign_detached(
                        &signature, nil, messageBuffer.baseAddress, UInt64(messageBuffer.count),
                        secretKey.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            precondition(status == 0, "crypto_sign_detached failed with a valid key")
            return signature
        }
    }

    /// Checks a detached signature. Wrong lengths are simply invalid, never a trap, since all three
    /// inputs may come from outside.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        Sodium.ensureInitialized()
        return message.withUnsafeBufferPointer { messageBuffer in
            crypto_sign_verify_detached(
                signature, messageBuffer.baseAddress, UInt64(messageBuffer.count), publicKey) == 0
        }
    }
}
