import PortvaktProtocol
import ProtocolCrypto

/// Wraps the real crypto and counts each operation, to prove what a lock decision costs.
public final class CountingCrypto: SignatureVerifying, Hashing, Sealing {
    private let inner = SodiumProtocolCrypto()
    /// Ed25519 verifications so far.
    public private(set) var verifications = 0
    /// BLAKE2b computations so far.
    public private(set) var hashes = 0
    /// Sealed boxes made so far.
    public private(set) var seals = 0

    /// A counter starting at zero.
    public init() {}

    /// Sets every count back to zero.
    public func reset() {
        verifications = 0
        hashes = 0
        seals = 0
    }

    /// See ``SignatureVerifying/verify(signature:message:publicKey:)``.
    public func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        verifications += 1
        return inner.verify(signature: signature, message: message, publicKey: publicKey)
    }

    /// See ``Hashing/hash(_:)``.
    public func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        hashes += 1
        return inner.hash(bytes)
    }

    /// See ``Sealing/seal(_:to:)``.
    public func seal(_ plaintext: [UInt8], to recipient: [UInt8]) -> [UInt8]? {
        seals += 1
        return inner.seal(plaintext, to: recipient)
    }
}
