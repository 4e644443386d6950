import Crypto

/// The key derived from an enrolment code, with which each side proves it knows the code: the
/// station to the server (``requestProof(stationPublicKey:)``), and the server back to the station
/// (``responseProof(for:)``), so that a server that does not know the code cannot pose as the
/// real one.
public struct EnrolmentKey: Sendable {
    /// Length of the key and of each proof.
    public static let length = 32
    private let secret: SecretBytes

    init(derived bytes: [UInt8]) {
        secret = SecretBytes(bytes)
    }

    /// A key the server stored when it made the code.
    /// - Throws: ``LinkError/invalidEnrolmentCode(_:)`` when `stored` is not 32 bytes.
    public init(stored: [UInt8]) throws(LinkError) {
        guard stored.count == Self.length else { throw .invalidEnrolmentCode("its stored key is damaged") }
        secret = SecretBytes(stored)
    }

    /// The bytes the server stores in place of the code.
    public var storedForm: [UInt8] { secret.withUnsafeBytes { Array($0) } }

    /// The station's proof: BLAKE2b-256 keyed with this key over
    /// (`portvakt/enrol-request/v1` ‖ station public key).
    public func requestProof(stationPublicKey: [UInt8]) -> [UInt8] {
        mac(Array("portvakt/enrol-request/v1".utf8) + stationPublicKey)
    }

    /// Whether `proof` is the station's proof for `stationPublicKey`, compared in constant time.
    public func acceptsRequestProof(_ proof: [UInt8], stationPublicKey: [UInt8]) -> Bool {
        constantTimeEqual(proof, requestProof(stationPublicKey: stationPublicKey))
    }

    /// The server's proof over every field it answers: BLAKE2b-256 keyed with this key over
    /// (`portvakt/enrol-response/v2` ‖ station id ‖ organisation id ‖ issuer id ‖ station ‖ link ‖
    /// issuer ‖ event public keys), each id a big-endian 16-bit length and its UTF-8 bytes, the
    /// issuer id four bytes big-endian.
    public func responseProof(for keys: EnrolledKeys) -> [UInt8] {
        let issuerID = withUnsafeBytes(of: keys.issuerID.bigEndian) { Array($0) }
        return mac(
            Array("portvakt/enrol-response/v2".utf8) + Self.field(keys.stationID) + Self.field(keys.organisationID)
                + issuerID + keys.stationPublicKey + keys.linkPublicKey + keys.issuerPublicKey + keys.eventPublicKey)
    }

    /// Whether `proof` is the server's proof for `keys`, compared in constant time.
    public func acceptsResponseProof(_ proof: [UInt8], for keys: EnrolledKeys) -> Bool {
        constantTimeEqual(proof, responseProof(for: keys))
    }

    /// A length-prefixed text, so that no two different pairs of ids make the same bytes.
    private static func field(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8.prefix(Int(UInt16.max)))
        return [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
    }

    private func mac(_ message: [UInt8]) -> [UInt8] {
        secret.withUnsafeBytes { Blake2b.hash(message, key: Array($0)) }
    }
}

/// What an enrolment answer binds together, as the server's proof covers it: every field of the
/// answer but the proof, so that none can be swapped on the way.
public struct EnrolledKeys: Sendable, Equatable {
    /// The station's id at the server.
    public var stationID: String
    /// The organisation the station serves.
    public var organisationID: String
    /// The issuer's id, as credentials name it.
    public var issuerID: UInt32
    /// The station's Ed25519 identity key.
    public var stationPublicKey: [UInt8]
    /// The server's Ed25519 link key.
    public var linkPublicKey: [UInt8]
    /// The issuer's Ed25519 signing key.
    public var issuerPublicKey: [UInt8]
    /// The issuer's X25519 event key.
    public var eventPublicKey: [UInt8]

    /// The answer's fields from their parts.
    public init(
        stationID: String, organisationID: String, issuerID: UInt32, stationPublicKey: [UInt8],
        linkPublicKey: [UInt8], issuerPublicKey: [UInt8], eventPublicKey: [UInt8]
    ) {
        self.stationID = stationID
        self.organisationID = organisationID
        self.issuerID = issuerID
        self.stationPublicKey = stationPublicKey
        self.linkPublicKey = linkPublicKey
        self.issuerPublicKey = issuerPublicKey
        self.eventPublicKey = eventPublicKey
    }
}
