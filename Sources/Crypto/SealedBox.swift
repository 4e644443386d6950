import CSodium

/// Anonymous public-key encryption (libsodium sealed boxes: X25519, XSalsa20-Poly1305).
///
/// A lock seals its event batches to the issuer's sealing key: whoever carries the box cannot read
/// it, and the lock needs no secret of its own to produce it.
public enum SealedBox {
    /// Length of an X25519 public or private key.
    public static let keyLength = 32
    /// Bytes a sealed box adds to its plaintext (ephemeral public key and authenticator).
    public static let overhead = crypto_box_sealbytes()

    /// An X25519 key pair that can open sealed boxes.
    public struct PrivateKey: Sendable {
        private let secret: SecretBytes
        /// The public key others seal to.
        public let publicKey: [UInt8]

        /// Derives the key pair deterministically from a 32-byte seed.
        public init(seed: [UInt8]) throws(CryptoError) {
            guard seed.count == Int(crypto_box_SEEDBYTES) else {
                throw .invalidLength(expected: Int(crypto_box_SEEDBYTES), actual: seed.count)
            }
            Sodium.ensureInitialized()
            var publicKey = [UInt8](repeating: 0, count: SealedBox.keyLength)
            var secretKey = [UInt8](repeating: 0, count: SealedBox.keyLength)
            guard crypto_box_seed_keypair(&publicKey, &secretKey, seed) == 0 else {
                secureZero(&secretKey)
                throw .keyGenerationFailed
            }
            self.publicKey = publicKey
            self.secret = SecretBytes(secretKey)
        }

        /// Opens a box sealed to this key.
        public func open(_ box: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard box.count >= SealedBox.overhead else {
                throw .invalidLength(expected: SealedBox.overhead, actual: box.count)
            }
            var plaintext = [UInt8](repeating: 0, count: box.count - SealedBox.overhead)
            let status = secret.withUnsafeBytes { secretKey in
                crypto_box_seal_open(
                    &plaintext, box, UInt64(box.count), publicKey,
                    secretKey.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard status == 0 else { throw .openFailed }
            return plaintext
        }
    }

    /// Seals `plaintext` to `recipient`'s X25519 public key.
    public static func seal(_ plaintext: [UInt8], to recipient: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard recipient.count == keyLength else { throw .invalidLength(expected: keyLength, actual: recipient.count) }
        Sodium.ensureInitialized()
        var box = [UInt8](repeating: 0, count: plaintext.count + overhead)
        let status = plaintext.withUnsafeBufferPointer { input in
            crypto_box_seal(&box, input.baseAddress, UInt64(input.count), recipient)
        }
        guard status == 0 else { throw .invalidLength(expected: keyLength, actual: recipient.count) }
        return box
    }
}
