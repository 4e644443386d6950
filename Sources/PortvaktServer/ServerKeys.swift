import CredentialIssuer
import Crypto
import PortvaktProtocol

/// The server's three key pairs (docs/station.md §2): the issuer signing key, the event key
/// locks and keys seal to, and the link key stations box to. Whoever holds them is the issuer.
public struct ServerKeys: Sendable {
    /// Signs credentials, revocation lists and event acknowledgements.
    public let issuer: IssuerSigningKey
    /// Opens the lock batches and key events sealed to the issuer.
    public let event: SealedBox.PrivateKey
    /// The server's end of every station link.
    public let link: Ed25519.PrivateKey

    /// Keys from their parts.
    public init(issuer: IssuerSigningKey, event: SealedBox.PrivateKey, link: Ed25519.PrivateKey) {
        self.issuer = issuer
        self.event = event
        self.link = link
    }

    /// Keys derived from three 32-byte seeds, as the key file stores them.
    /// - Throws: `CryptoError` when a seed is not 32 bytes.
    public init(issuerID: UInt32, issuerSeed: [UInt8], eventSeed: [UInt8], linkSeed: [UInt8]) throws {
        self.init(
            issuer: IssuerSigningKey(issuerID: issuerID, privateKey: try Ed25519.PrivateKey(seed: issuerSeed)),
            event: try SealedBox.PrivateKey(seed: eventSeed), link: try Ed25519.PrivateKey(seed: linkSeed))
    }

    /// Fresh keys in memory only, for tests; a server loads its keys from ``ServerKeyFile``.
    public static func generate(issuerID: UInt32 = 1) -> ServerKeys {
        // Fresh 32-byte seeds are always accepted.
        try! ServerKeys(
            issuerID: issuerID, issuerSeed: RandomBytes.generate(32), eventSeed: RandomBytes.generate(32),
            linkSeed: RandomBytes.generate(32))
    }

    /// The issuer's event intake: opens sealed events and signs acknowledgements.
    public var intake: EventIntake { EventIntake(sealingKey: event, signingKey: issuer) }

    /// Short public fingerprints for logs, so an operator can tell which keys a server runs
    /// with: the issuer key's protocol id, and the first 8 bytes of BLAKE2b-256 of the event and
    /// link public keys, all in hex.
    public var fingerprints: (issuer: String, event: String, link: String) {
        (
            Self.hex(issuer.keyID.bytes), Self.hex(Array(Blake2b.hash(event.publicKey).prefix(8))),
            Self.hex(Array(Blake2b.hash(link.publicKey).prefix(8)))
        )
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
