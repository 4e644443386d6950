import Crypto
import PortvaktProtocol
import ProtocolCrypto

/// Who the station is, and whom it trusts: stored at enrolment and never changed afterwards.
public struct StationIdentity: Sendable {
    /// The station's identifier at the server.
    public var stationID: String
    /// The provider the station belongs to.
    public var organisationID: String
    /// The station's Ed25519 key pair, made on the station.
    public var privateKey: Ed25519.PrivateKey
    /// The server's keys, pinned at enrolment.
    public var serverKeys: PinnedServerKeys
    /// When the station was enrolled, Unix milliseconds.
    public var enrolledAt: Int64

    /// An identity.
    public init(
        stationID: String, organisationID: String, privateKey: Ed25519.PrivateKey, serverKeys: PinnedServerKeys,
        enrolledAt: Int64
    ) {
        self.stationID = stationID
        self.organisationID = organisationID
        self.privateKey = privateKey
        self.serverKeys = serverKeys
        self.enrolledAt = enrolledAt
    }
}

/// The server's public keys as the station learned them at enrolment (docs/station.md §2).
public struct PinnedServerKeys: Equatable, Sendable {
    /// The Ed25519 key the station link's boxes are made with.
    public var linkPublicKey: [UInt8]
    /// The issuer organisation the signing key belongs to.
    public var issuerID: UInt32
    /// The issuer's Ed25519 signing key: keys docked here are given it as their trust anchor.
    public var issuerPublicKey: [UInt8]
    /// The X25519 key locks and keys seal events to.
    public var eventPublicKey: [UInt8]

    /// Pinned keys.
    public init(linkPublicKey: [UInt8], issuerID: UInt32, issuerPublicKey: [UInt8], eventPublicKey: [UInt8]) {
        self.linkPublicKey = linkPublicKey
        self.issuerID = issuerID
        self.issuerPublicKey = issuerPublicKey
        self.eventPublicKey = eventPublicKey
    }

    /// The anchor a key receives at its first dock here.
    public var trustAnchor: TrustAnchor {
        TrustAnchor(
            issuerID: issuerID, keyID: SodiumProtocolCrypto().issuerKeyID(for: issuerPublicKey),
            publicKey: issuerPublicKey, notBefore: 0, notAfter: .max)
    }
}
