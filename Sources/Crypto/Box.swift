import CSodium

/// Authenticated public-key encryption between two known parties (libsodium `crypto_box`: X25519,
/// XSalsa20-Poly1305).
///
/// Unlike a ``SealedBox``, the sender is authenticated too: a box that opens under the shared key
/// of A and B was made by A or B. The station link uses it so that only an enrolled station can
/// send a request and only the server can answer it.
public enum Box {
    /// Length of an X25519 public or private key.
    public static let keyLength = Int(crypto_box_PUBLICKEYBYTES)
    /// Length of the nonce each box needs; it must never repeat under one shared key.
    public static let nonceLength = Int(crypto_box_NONCEBYTES)
    /// Bytes a box adds to its plaintext (the Poly1305 authenticator).
    public static let overhead = Int(crypto_box_MACBYTES)

    /// An X25519 private key and its public key.
    public struct PrivateKey: Sendable {
        let secret: SecretBytes
        /// The public key peers box to.
        public let publicKey: [UInt8]

        /// Wraps a raw 32-byte X25519 private key (a scalar, clamped by libsodium when used).
        ///
        /// The key keeps its own copy of the scalar, wiped when the key is released; the caller
        /// should wipe `bytes`.
        public init(secret bytes: [UInt8]) throws(CryptoError) {
            guard bytes.count == Box.keyLength else {
                throw .invalidLength(expected: Box.keyLength, actual: bytes.count)
            }
            Sodium.ensureInitialized()
            var publicKey = [UInt8](repeating: 0, count: Box.keyLength)
            guard crypto_scalarmult_base(&publicKey, bytes) == 0 else { throw .keyGenerationFailed }
            // A buffer of its own, so that no storage shared with the caller's array outlives the
            // caller's wipe unzeroed.
            var owned = [UInt8](repeating: 0, count: Box.keyLength)
            bytes.withUnsafeBytes { source in owned.withUnsafeMutableBytes { $0.copyMemory(from: source) } }
            self.publicKey = publicKey
            self.secret = SecretBytes(owned)
        }
    }

    /// The key two parties share (`crypto_box_beforenm`): computed once from one side's private key
    /// and the other's public key, then used for every box between them in either direction.
    public struct SharedKey: Sendable {
        private let key: SecretBytes

        /// Derives the shared key.
        /// - Throws: ``CryptoError/invalidLength(expected:actual:)`` for a peer key that is not
        ///   32 bytes; ``CryptoError/invalidPublicKey`` for one of small order.
        public init(privateKey: PrivateKey, peerPublicKey: [UInt8]) throws(CryptoError) {
            guard peerPublicKey.count == Box.keyLength else {
                throw .invalidLength(expected: Box.keyLength, actual: peerPublicKey.count)
            }
            Sodium.ensureInitialized()
            var shared = [UInt8](repeating: 0, count: Int(crypto_box_BEFORENMBYTES))
            let status = privateKey.secret.withUnsafeBytes { secretKey in
                crypto_box_beforenm(&shared, peerPublicKey, secretKey.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard status == 0 else {
                secureZero(&shared)
                throw .invalidPublicKey
            }
            key = SecretBytes(shared)
        }

        /// Encrypts and authenticates `plaintext` under `nonce`.
        /// - Throws: ``CryptoError/invalidLength(expected:actual:)`` when the nonce is not 24 bytes.
        public func seal(_ plaintext: [UInt8], nonce: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard nonce.count == Box.nonceLength else {
                throw .invalidLength(expected: Box.nonceLength, actual: nonce.count)
            }
            var box = [UInt8](repeating: 0, count: plaintext.count + Box.overhead)
            let status = key.withUnsafeBytes { shared in
                plaintext.withUnsafeBufferPointer { input in
                    crypto_box_easy_afternm(
                        &box, input.baseAddress, UInt64(input.count), nonce,
                        shared.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            precondition(status == 0, "crypto_box_easy_afternm failed with valid lengths")
            return box
        }

        /// Checks and decrypts a box made under `nonce` by either party.
        /// - Throws: ``CryptoError/openFailed`` when the box was made under another key or nonce, or
        ///   altered; ``CryptoError/invalidLength(expected:actual:)`` for a wrong nonce length or a
        ///   box shorter than its authenticator.
        public func open(_ box: [UInt8], nonce: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard nonce.count == Box.nonceLength else {
                throw .invalidLength(expected: Box.nonceLength, actual: nonce.count)
            }
            guard box.count >= Box.overhead else { throw .invalidLength(expected: Box.overhead, actual: box.count) }
            var plaintext = [UInt8](repeating: 0, count: box.count - Box.overhead)
            let status = key.withUnsafeBytes { shared in
                crypto_box_open_easy_afternm(
                    &plaintext, box, UInt64(box.count), nonce, shared.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard status == 0 else { throw .openFailed }
            return plaintext
        }
    }
}
