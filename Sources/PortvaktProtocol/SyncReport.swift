/// One stored item a key uploads: its own sealed event or a lock's sealed batch.
public struct UploadEntry: Equatable, Sendable {
    /// Kinds of upload entry.
    public enum Kind: UInt8, Sendable {
        /// A ``KeyEvent`` sealed by the key.
        case ownEvent = 0
        /// An ``EventBatch`` sealed by a lock.
        case lockBatch = 1
    }

    /// The key's storage sequence number; acknowledgements refer to it.
    public var sequence: UInt32
    /// What the sealed bytes hold.
    public var kind: Kind
    /// The sealed bytes, opaque to the key and the station.
    public var sealed: [UInt8]

    /// An entry from its fields.
    public init(sequence: UInt32, kind: Kind, sealed: [UInt8]) {
        self.sequence = sequence
        self.kind = kind
        self.sealed = sealed
    }
}

/// The key's signed report at sync: identity, battery, log counters and the stored events.
public struct SyncReport: Equatable, Sendable {
    /// The reporting key.
    public var keyID: KeyID
    /// Battery charge, 0...100 %.
    public var batteryPercent: UInt8
    /// Battery voltage in millivolts, for trend analysis.
    public var batteryMillivolts: UInt16
    /// The key's clock (Unix seconds).
    public var keyTime: UInt64
    /// Own events the key could not record because its log was full, since the last acknowledgement.
    public var lostOwnEvents: UInt32
    /// Entries still stored after this report's entries.
    public var remainingEntries: UInt32
    /// Stored entries, oldest first, at most ``ProtocolLimits/maxUploadEntries``.
    public var entries: [UploadEntry]
    /// The key's signature over ``Domain/sync``, the hello and the report body.
    public var signature: [UInt8]

    /// A report from its fields.
    public init(
        keyID: KeyID, batteryPercent: UInt8, batteryMillivolts: UInt16, keyTime: UInt64, lostOwnEvents: UInt32,
        remainingEntries: UInt32, entries: [UploadEntry], signature: [UInt8] = []
    ) {
        self.keyID = keyID
        self.batteryPercent = batteryPercent
        self.batteryMillivolts = batteryMillivolts
        self.keyTime = keyTime
        self.lostOwnEvents = lostOwnEvents
        self.remainingEntries = remainingEntries
        self.entries = entries
        self.signature = signature
    }

    /// The report without its signature.
    public var unsignedBody: [UInt8] {
        precondition(entries.count <= ProtocolLimits.maxUploadEntries, "too many upload entries")
        var writer = ByteWriter()
        MessageHeader.write(.syncReport, version: ProtocolVersion.current, into: &writer)
        writer.raw(keyID.bytes)
        writer.u8(batteryPercent)
        writer.u8(0)
        writer.u16(batteryMillivolts)
        writer.u64(keyTime)
        writer.u32(lostOwnEvents)
        writer.u32(remainingEntries)
        writer.u16(UInt16(entries.count))
        for entry in entries {
            precondition(entry.sealed.count <= ProtocolLimits.maxUploadEntryLength, "upload entry too large")
            writer.u32(entry.sequence)
            writer.u8(entry.kind.rawValue)
            writer.u16(UInt16(entry.sealed.count))
            writer.raw(entry.sealed)
        }
        return writer.bytes
    }

    /// The bytes the key signs for the session opened by `hello`.
    public func transcript(hello: [UInt8]) -> [UInt8] {
        Domain.sync + hello + unsignedBody
    }

    /// The complete message.
    public var encoded: [UInt8] { unsignedBody + signature }

    /// Reads a report.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> SyncReport {
        var reader = ByteReader(bytes)
        _ = try MessageHeader.read(.syncReport, versions: ProtocolVersion.supported, from: &reader)
        let keyID = try reader.keyID()
        let percent = try reader.u8()
        guard percent <= 100 else { throw .invalidField(.batteryPercent) }
        try reader.reserved(1)
        let millivolts = try reader.u16()
        let keyTime = try reader.u64()
        let lost = try reader.u32()
        let remaining = try reader.u32()
        let count = Int(try reader.u16())
        guard count <= ProtocolLimits.maxUploadEntries else { throw .overLimit(.uploadEntries) }
        var entries: [UploadEntry] = []
        for _ in 0..<count {
            let sequence = try reader.u32()
            guard let kind = UploadEntry.Kind(rawValue: try reader.u8()) else { throw .invalidField(.uploadEntries) }
            let length = Int(try reader.u16())
            guard length <= ProtocolLimits.maxUploadEntryLength else { throw .overLimit(.uploadEntries) }
            entries.append(UploadEntry(sequence: sequence, kind: kind, sealed: try reader.raw(length)))
        }
        let signature = try reader.raw(FieldLength.signature)
        try reader.finish()
        return SyncReport(
            keyID: keyID, batteryPercent: percent, batteryMillivolts: millivolts, keyTime: keyTime,
            lostOwnEvents: lost, remainingEntries: remaining, entries: entries, signature: signature)
    }
}
