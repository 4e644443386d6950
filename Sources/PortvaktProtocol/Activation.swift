/// What the station writes to a key at the start of a shift: the signed credential, every
/// permission leaf (so the key can prove any one of them), the issuer's sealing key, and the
/// newest revocation lists for the key to carry to locks.
public struct Activation: Equatable, Sendable {
    /// The signed credential.
    public var credential: Credential
    /// The issuer's X25519 key that the key seals its own events to.
    public var eventRecipient: [UInt8]
    /// Permission leaves in credential order.
    public var permissions: [Permission]
    /// Signed revocation lists, at most one per issuer.
    public var revocationLists: [RevocationList]

    /// An activation from its parts.
    public init(
        credential: Credential, eventRecipient: [UInt8], permissions: [Permission], revocationLists: [RevocationList]
    ) {
        self.credential = credential
        self.eventRecipient = eventRecipient
        self.permissions = permissions
        self.revocationLists = revocationLists
    }

    /// The encoded message.
    public var encoded: [UInt8] {
        precondition(permissions.count <= ProtocolLimits.maxPermissions, "too many permissions")
        precondition(revocationLists.count <= ProtocolLimits.maxIssuers, "too many revocation lists")
        var writer = ByteWriter(capacity: 256 + permissions.count * Permission.encodedLength)
        MessageHeader.write(.activation, version: ProtocolVersion.current, into: &writer)
        credential.encode(into: &writer)
        writer.raw(eventRecipient)
        writer.u16(UInt16(permissions.count))
        for permission in permissions { permission.encode(into: &writer) }
        writer.u8(UInt8(revocationLists.count))
        for list in revocationLists {
            let bytes = list.encoded
            writer.u32(UInt32(bytes.count))
            writer.raw(bytes)
        }
        return writer.bytes
    }

    /// Reads an activation; signatures and the Merkle root are checked by the key afterwards.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Activation {
        var reader = ByteReader(bytes)
        _ = try MessageHeader.read(.activation, versions: ProtocolVersion.supported, from: &reader)
        let credential = try Credential.decode(from: &reader)
        let recipient = try reader.raw(FieldLength.publicKey)
        let count = Int(try reader.u16())
        guard count <= ProtocolLimits.maxPermissions else { throw .overLimit(.permissionCount) }
        var permissions: [Permission] = []
        permissions.reserveCapacity(count)
        for _ in 0..<count { permissions.append(try Permission.decode(from: &reader)) }
        let listCount = Int(try reader.u8())
        guard listCount <= ProtocolLimits.maxIssuers else { throw .overLimit(.revocationSummaries) }
        var lists: [RevocationList] = []
        let maxListLength =
            RevocationList.headerLength
            + ProtocolLimits.maxRevocationEntries * RevocationEntry.encodedLength + FieldLength.signature
        for _ in 0..<listCount {
            let length = Int(try reader.u32())
            guard length <= maxListLength else { throw .overLimit(.revocationEntries) }
            lists.append(try RevocationList.decode(try reader.raw(length)))
        }
        try reader.finish()
        return Activation(
            credential: credential, eventRecipient: recipient, permissions: permissions, revocationLists: lists)
    }
}
