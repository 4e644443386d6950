/// One permission in a credential: a lock and when it may be opened. Encoded as a fixed 40-byte
/// leaf of the credential's Merkle tree.
public struct Permission: Equatable, Sendable {
    /// The encoded length of every permission.
    public static let encodedLength = 40

    /// The lock this permission opens.
    public var lockID: LockID
    /// When it may be used.
    public var schedule: Schedule

    /// A permission for `lockID` under `schedule`.
    public init(lockID: LockID, schedule: Schedule = .always) {
        self.lockID = lockID
        self.schedule = schedule
    }

    /// Whether the schedule is well formed enough to encode and issue.
    public var isValid: Bool {
        switch schedule {
        case .always: true
        case .weekly(let slots):
            !slots.isEmpty && slots.count <= ProtocolLimits.maxScheduleSlots && slots.allSatisfy { $0.isValid }
        case .visit(let notBefore, let notAfter): notBefore <= notAfter
        }
    }

    /// Appends the 40-byte leaf encoding.
    ///
    /// - Precondition: ``isValid``; the issuer checks before encoding.
    public func encode(into writer: inout ByteWriter) {
        precondition(isValid, "only valid permissions are encoded")
        writer.raw(lockID.bytes)
        switch schedule {
        case .always:
            writer.u8(0)
            writer.zeros(23)
        case .weekly(let slots):
            writer.u8(1)
            writer.u8(UInt8(slots.count))
            writer.zeros(2)
            for slot in slots {
                writer.u8(slot.days)
                writer.u16(slot.startMinute)
                writer.u16(slot.endMinute)
            }
            writer.zeros(5 * (ProtocolLimits.maxScheduleSlots - slots.count))
        case .visit(let notBefore, let notAfter):
            writer.u8(2)
            writer.zeros(3)
            writer.u64(notBefore)
            writer.u64(notAfter)
            writer.zeros(4)
        }
    }

    /// The 40-byte leaf encoding.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.encodedLength)
        encode(into: &writer)
        return writer.bytes
    }

    /// Reads one 40-byte leaf, rejecting any non-canonical encoding so that each permission has
    /// exactly one leaf hash.
    public static func decode(from reader: inout ByteReader) throws(WireError) -> Permission {
        let lockID = try reader.lockID()
        let kind = try reader.u8()
        switch kind {
        case 0:
            try reader.reserved(23)
            return Permission(lockID: lockID)
        case 1:
            let count = Int(try reader.u8())
            try reader.reserved(2)
            guard count >= 1, count <= ProtocolLimits.maxScheduleSlots else { throw .invalidField(.scheduleSlot) }
            var slots: [WeeklySlot] = []
            for _ in 0..<count {
                let slot = WeeklySlot(days: try reader.u8(), startMinute: try reader.u16(), endMinute: try reader.u16())
                guard slot.isValid else { throw .invalidField(.scheduleSlot) }
                slots.append(slot)
            }
            try reader.reserved(5 * (ProtocolLimits.maxScheduleSlots - count))
            return Permission(lockID: lockID, schedule: .weekly(slots))
        case 2:
            try reader.reserved(3)
            let notBefore = try reader.u64()
            let notAfter = try reader.u64()
            try reader.reserved(4)
            guard notBefore <= notAfter else { throw .invalidField(.validityWindow) }
            return Permission(lockID: lockID, schedule: .visit(notBefore: notBefore, notAfter: notAfter))
        default:
            throw .invalidField(.permissionKind)
        }
    }

    /// Decodes exactly one leaf.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Permission {
        var reader = ByteReader(bytes)
        let permission = try decode(from: &reader)
        try reader.finish()
        return permission
    }
}
