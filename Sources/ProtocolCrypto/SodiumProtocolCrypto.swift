import Crypto
import PortvaktProtocol

/// The protocol's crypto services backed by libsodium, for hosts: the server, the station, tests
/// and the benchmark. Devices provide their own conformances.
public struct SodiumProtocolCrypto: SignatureVerifying, Hashing, Sealing, Sendable {
    /// The libsodium-backed services; stateless.
    public init() {}

    /// Ed25519 verification through ``Ed25519/verify(signature:message:publicKey:)``.
    public func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        Ed25519.verify(signature: signature, message: message, publicKey: publicKey)
    }

    /// BLAKE2b-256 through ``Blake2b``.
    public func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Blake2b.hash(bytes)
    }

    /// A libsodium sealed box; `nil` when the recipient key has the wrong length.
    public func seal(_ plaintext: [UInt8], to recipient: [UInt8]) -> [UInt8]? {
        try? SealedBox.seal(plaintext, to: recipient)
    }
}

/// An Ed25519 private key as the protocol's ``Signing`` service, for keys simulated on a host.
public struct SodiumSigner: Signing, Sendable {
    private let key: Ed25519.PrivateKey

    /// Wraps a private key; the signer never hands it back.
    public init(_ key: Ed25519.PrivateKey) {
        self.key = key
    }

    /// See ``Signing/publicKey``.
    public var publicKey: [UInt8] { key.publicKey }

    /// See ``Signing/sign(_:)``.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        key.sign(message)
    }
}

/// Operating-system randomness as the protocol's ``RandomSource``.
public struct SystemRandom: RandomSource, Sendable {
    /// The system source.
    public init() {}

    /// See ``RandomSource/bytes(_:)``.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        RandomBytes.generate(count)
    }
}
