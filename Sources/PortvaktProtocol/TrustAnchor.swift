/// An issuer public key a lock or key trusts, installed at commissioning.
///
/// Several anchors may share an ``issuerID`` (key rotation: the next key is installed before the
/// current one retires) and several issuers may be trusted at once (a shared entrance).
public struct TrustAnchor: Equatable, Sendable {
    /// The organisation the key belongs to.
    public var issuerID: UInt32
    /// The key's identifier, as written in credentials.
    public var keyID: IssuerKeyID
    /// The Ed25519 public key.
    public var publicKey: [UInt8]
    /// Earliest credential issue time this key may sign for (Unix seconds).
    public var notBefore: UInt64
    /// Latest credential issue time this key may sign for (Unix seconds).
    public var notAfter: UInt64

    /// An anchor valid for credentials issued within `notBefore...notAfter`.
    public init(issuerID: UInt32, keyID: IssuerKeyID, publicKey: [UInt8], notBefore: UInt64, notAfter: UInt64) {
        self.issuerID = issuerID
        self.keyID = keyID
        self.publicKey = publicKey
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Whether this anchor may vouch for something `issuerID`/`keyID` signed at `signedAt`.
    public func covers(issuerID: UInt32, keyID: IssuerKeyID, signedAt: UInt64) -> Bool {
        self.issuerID == issuerID && self.keyID == keyID && signedAt >= notBefore && signedAt <= notAfter
    }
}

extension Array where Element == TrustAnchor {
    /// The anchor that vouches for a signature by `issuerID`/`keyID` made at `signedAt`, if any.
    public func anchor(issuerID: UInt32, keyID: IssuerKeyID, signedAt: UInt64) -> TrustAnchor? {
        first { $0.covers(issuerID: issuerID, keyID: keyID, signedAt: signedAt) }
    }
}
