/// The issuer's signed acknowledgement that it stored a key's uploaded entries. Only this lets a
/// key delete carried events, so a fake station cannot make events disappear.
public struct EventAck: Equatable, Sendable {
    /// The encoded length.
    public static let encodedLength =
        MessageHeader.length + FieldLength.keyID + ProtocolLimits.nonceLength + 4 + 4
        + FieldLength.issuerKeyID + FieldLength.signature

    /// The key whose entries are acknowledged.
    public var keyID: KeyID
    /// The nonce of the sync session's hello, so an old acknowledgement cannot be replayed.
    public var nonceEcho: [UInt8]
    /// Every entry with a sequence number up to and including this one is stored by the issuer.
    public var acknowledgedThrough: UInt32
    /// The acknowledging issuer.
    public var issuerID: UInt32
    /// The issuer key that signed.
    public var issuerKeyID: IssuerKeyID
    /// The issuer's signature over ``Domain/eventAck`` and the body.
    public var signature: [UInt8]

    /// An acknowledgement from its fields.
    public init(
        keyID: KeyID, nonceEcho: [UInt8], acknowledgedThrough: UInt32, issuerID: UInt32, issuerKeyID: IssuerKeyID,
        signature: [UInt8] = []
    ) {
        self.keyID = keyID
        self.nonceEcho = nonceEcho
        self.acknowledgedThrough = acknowledgedThrough
        self.issuerID = issuerID
        self.issuerKeyID = issuerKeyID
        self.signature = signature
    }

    /// The body without signature.
    public var unsignedBody: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        MessageHeader.write(.eventAck, version: ProtocolVersion.current, into: &writer)
        writer.raw(keyID.bytes)
        writer.raw(nonceEcho)
        writer.u32(acknowledgedThrough)
        writer.u32(issuerID)
        writer.raw(issuerKeyID.bytes)
        return writer.bytes
    }

    /// The bytes the issuer signs.
    public var signedMessage: [UInt8] { Domain.eventAck + unsignedBody }

    /// The complete message.
    public var encoded: [UInt8] { unsignedBody + signature }

    /// Reads an acknowledgement.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> EventAck {
        var reader = ByteReader(bytes)
        _ = try MessageHeader.read(.eventAck, versions: ProtocolVersion.supported, from: &reader)
        let keyID = try reader.keyID()
        let nonce = try reader.raw(ProtocolLimits.nonceLength)
        let through = try reader.u32()
        let issuerID = try reader.u32()
        let issuerKeyID = try reader.issuerKeyID()
        let signature = try reader.raw(FieldLength.signature)
        try reader.finish()
        return EventAck(
            keyID: keyID, nonceEcho: nonce, acknowledgedThrough: through, issuerID: issuerID,
            issuerKeyID: issuerKeyID, signature: signature)
    }
}
