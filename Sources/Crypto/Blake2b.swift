import CSodium

/// BLAKE2b (RFC 7693) through libsodium's `crypto_generichash`.
///
/// Portvakt uses 32-byte digests everywhere; other lengths exist for test vectors.
public enum Blake2b {
    /// The digest length Portvakt uses.
    public static let digestLength = 32

    /// Hashes `message`, optionally keyed, into `length` bytes (16...64).
    ///
    /// - Precondition: `length` is within libsodium's bounds and `key`, when given, is 16...64 bytes;
    ///   both are programmer choices, never outside input.
    public static func hash(_ message: [UInt8], key: [UInt8] = [], length: Int = digestLength) -> [UInt8] {
        message.withUnsafeBytes { hash($0, key: key, length: length) }
    }

    /// Hashes raw bytes without copying them into an array first; the hot path of Merkle hashing.
    public static func hash(_ message: UnsafeRawBufferPointer, key: [UInt8] = [], length: Int = digestLength)
        -> [UInt8]
    {
        precondition(
            length >= crypto_generichash_BYTES_MIN && length <= crypto_generichash_BYTES_MAX,
            "BLAKE2b digest length out of range")
        precondition(key.isEmpty || key.count >= crypto_generichash_KEYBYTES_MIN, "BLAKE2b key too short")
        precondition(key.count <= crypto_generichash_KEYBYTES_MAX, "BLAKE2b key too long")
        Sodium.ensureInitialized()

        var digest = [UInt8](repeating: 0, count: length)
        let status = digest.withUnsafeMutableBufferPointer { out in
            key.withUnsafeBufferPointer { keyBuffer in
                crypto_generichash(
                    out.baseAddress!, length,
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count),
                    key.isEmpty ? nil : keyBuffer.baseAddress, key.count)
            }
        }
        precondition(status == 0, "crypto_generichash failed with valid parameters")
        return digest
    }
}
