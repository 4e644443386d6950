/// The cryptographic services the device cores need, injected so that the cores stay free of any
/// particular library and can run on a microcontroller with a hardware accelerator or a secure
/// element instead of libsodium.

/// Checks Ed25519 detached signatures.
public protocol SignatureVerifying {
    /// Returns whether `signature` is a valid Ed25519 signature of `message` by `publicKey`.
    /// Must return `false`, never trap, for inputs of the wrong length.
    func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool
}

/// Computes BLAKE2b-256 digests.
public protocol Hashing {
    /// The 32-byte BLAKE2b digest of `bytes`.
    func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8]
}

extension Hashing {
    /// The 32-byte BLAKE2b digest of `bytes`.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }
}

/// Signs with a private key the caller never sees. On a digital key this is the key's own pair,
/// made on the device.
public protocol Signing {
    /// The Ed25519 public key matching the hidden private key.
    var publicKey: [UInt8] { get }
    /// The 64-byte detached Ed25519 signature of `message`.
    func sign(_ message: [UInt8]) -> [UInt8]
}

/// Encrypts to a recipient's X25519 public key with an anonymous sealed box.
public protocol Sealing {
    /// Seals `plaintext` to `recipient`; `nil` when the recipient key is unusable.
    func seal(_ plaintext: [UInt8], to recipient: [UInt8]) -> [UInt8]?
}

/// A source of unpredictable bytes, such as a lock's hardware random number generator.
public protocol RandomSource {
    /// Returns `count` unpredictable bytes.
    mutating func bytes(_ count: Int) -> [UInt8]
}
