/// The key's answer to a challenge: its credential, the one permission that concerns this lock
/// with its Merkle proof, and its signature over the whole transcript.
public struct Presentation: Equatable, Sendable {
    /// Length without proof siblings.
    public static let fixedLength =
        MessageHeader.length + 4 + ProtocolLimits.nonceLength + 8
        + Credential.encodedLength + 2 + Permission.encodedLength + 1 + FieldLength.signature

    /// The negotiated version, written in the header.
    public var version: UInt8
    /// Highest version the key speaks, so the lock can tell a downgrade from an old key.
    public var keyMaxVersion: UInt8
    /// Capabilities the key supports; the session uses those both sides offer.
    public var keyCapabilities: Capabilities
    /// The challenge nonce, echoed so a stale answer is recognised before any signature check.
    public var nonceEcho: [UInt8]
    /// The key's clock (Unix seconds). A lock without a clock evaluates schedules at this time but
    /// never raises its floor from it, since it is not signed by the issuer.
    public var keyTime: UInt64
    /// The key's activation credential.
    public var credential: Credential
    /// Index of ``permission`` among the credential's leaves.
    public var leafIndex: UInt16
    /// The permission for this lock.
    public var permission: Permission
    /// Sibling hashes from the leaf up to the root.
    public var proof: [[UInt8]]
    /// The key's signature over ``Domain/door``, the challenge bytes and everything above.
    public var signature: [UInt8]

    /// A presentation from its fields.
    public init(
        version: UInt8, keyMaxVersion: UInt8, keyCapabilities: Capabilities, nonceEcho: [UInt8], keyTime: UInt64,
        credential: Credential, leafIndex: UInt16, permission: Permission, proof: [[UInt8]],
        signature: [UInt8] = []
    ) {
        self.version = version
        self.keyMaxVersion = keyMaxVersion
        self.keyCapabilities = keyCapabilities
        self.nonceEcho = nonceEcho
        self.keyTime = keyTime
        self.credential = credential
        self.leafIndex = leafIndex
        self.permission = permission
        self.proof = proof
        self.signature = signature
    }

    /// Everything the key signs after the challenge: the message without its final signature.
    public var unsignedBody: [UInt8] {
        precondition(proof.count <= ProtocolLimits.maxProofDepth, "proof deeper than any credential")
        var writer = ByteWriter(capacity: Self.fixedLength + proof.count * FieldLength.digest)
        MessageHeader.write(.presentation, version: version, into: &writer)
        writer.u8(keyMaxVersion)
        writer.u8(0)
        writer.u16(keyCapabilities.rawValue)
        writer.raw(nonceEcho)
        writer.u64(keyTime)
        credential.encode(into: &writer)
        writer.u16(leafIndex)
        permission.encode(into: &writer)
        writer.u8(UInt8(proof.count))
        for sibling in proof { writer.raw(sibling) }
        return writer.bytes
    }

    /// The bytes the key signs for a challenge whose encoding is `challenge`.
    public func transcript(challenge: [UInt8]) -> [UInt8] {
        Domain.door + challenge + unsignedBody
    }

    /// The complete message.
    public var encoded: [UInt8] {
        precondition(signature.count == FieldLength.signature, "only signed presentations are sent")
        return unsignedBody + signature
    }

    /// Reads a presentation; rejects versions this implementation cannot parse and proofs deeper
    /// than any 4,000-leaf tree.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Presentation {
        var reader = ByteReader(bytes)
        let version = try MessageHeader.read(.presentation, versions: ProtocolVersion.supported, from: &reader)
        let keyMaxVersion = try reader.u8()
        try reader.reserved(1)
        let capabilities = Capabilities(rawValue: try reader.u16())
        let nonce = try reader.raw(ProtocolLimits.nonceLength)
        let keyTime = try reader.u64()
        let credential = try Credential.decode(from: &reader)
        let leafIndex = try reader.u16()
        let permission = try Permission.decode(from: &reader)
        let depth = Int(try reader.u8())
        guard depth <= ProtocolLimits.maxProofDepth else { throw .overLimit(.proofLength) }
        var proof: [[UInt8]] = []
        for _ in 0..<depth { proof.append(try reader.raw(FieldLength.digest)) }
        let signature = try reader.raw(FieldLength.signature)
        try reader.finish()
        return Presentation(
            version: version, keyMaxVersion: keyMaxVersion, keyCapabilities: capabilities, nonceEcho: nonce,
            keyTime: keyTime, credential: credential, leafIndex: leafIndex, permission: permission, proof: proof,
            signature: signature)
    }
}
