import Crypto
import PortvaktProtocol
import ProtocolCrypto

/// One of an issuer's Ed25519 signing keys. An issuer may hold several over time (rotation); each
/// is known to locks as a ``TrustAnchor`` with its own validity window.
public struct IssuerSigningKey: Sendable {
    /// The organisation this key signs for.
    public let issuerID: UInt32
    /// The key's identifier, derived from its public key.
    public let keyID: IssuerKeyID
    private let privateKey: Ed25519.PrivateKey

    /// Wraps a private key for `issuerID`.
    public init(issuerID: UInt32, privateKey: Ed25519.PrivateKey) {
        self.issuerID = issuerID
        self.privateKey = privateKey
        keyID = SodiumProtocolCrypto().issuerKeyID(for: privateKey.publicKey)
    }

    /// The public key, to be installed in locks and keys.
    public var publicKey: [UInt8] { privateKey.publicKey }

    /// The anchor that locks and keys install for this key, trusted for signatures made within
    /// `notBefore...notAfter`.
    public func trustAnchor(notBefore: UInt64 = 0, notAfter: UInt64 = .max) -> TrustAnchor {
        TrustAnchor(issuerID: issuerID, keyID: keyID, publicKey: publicKey, notBefore: notBefore, notAfter: notAfter)
    }

    /// Signs `message` (already domain-separated by the caller).
    func sign(_ message: [UInt8]) -> [UInt8] {
        privateKey.sign(message)
    }
}
