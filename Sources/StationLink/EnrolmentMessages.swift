/// What a station sends, in plain JSON, to ``StationLink/enrolmentPath``. Bytes travel base64.
public struct EnrolmentRequest: Codable, Sendable, Equatable {
    /// ``EnrolmentCode/lookup``.
    public var lookup: String
    /// The station's new Ed25519 public key, base64.
    public var stationPublicKey: String
    /// ``EnrolmentKey/requestProof(stationPublicKey:)``, base64.
    public var proof: String

    /// A request from its parts.
    public init(lookup: String, stationPublicKey: String, proof: String) {
        self.lookup = lookup
        self.stationPublicKey = stationPublicKey
        self.proof = proof
    }
}

/// The server's answer to an enrolment. The station stores nothing unless ``proof`` verifies
/// with ``EnrolmentKey/acceptsResponseProof(_:for:)``.
public struct EnrolmentResponse: Codable, Sendable, Equatable {
    /// The station's id, sent in ``StationLink/stationHeader`` from now on.
    public var stationID: String
    /// The provider the station serves.
    public var organisationID: String
    /// The issuer's organisation number in credentials (protocol §3.3).
    public var issuerID: UInt32
    /// The server's Ed25519 link key, base64.
    public var linkPublicKey: String
    /// The issuer's Ed25519 signing key, base64.
    public var issuerPublicKey: String
    /// The issuer's X25519 event key, base64.
    public var eventPublicKey: String
    /// ``EnrolmentKey/responseProof(for:)``, base64.
    public var proof: String

    /// A response from its parts.
    public init(
        stationID: String, organisationID: String, issuerID: UInt32, linkPublicKey: String, issuerPublicKey: String,
        eventPublicKey: String, proof: String
    ) {
        self.stationID = stationID
        self.organisationID = organisationID
        self.issuerID = issuerID
        self.linkPublicKey = linkPublicKey
        self.issuerPublicKey = issuerPublicKey
        self.eventPublicKey = eventPublicKey
        self.proof = proof
    }
}
