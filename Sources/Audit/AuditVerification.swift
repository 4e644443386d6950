/// The result of walking the audit trail's hash chain.
public struct AuditVerification: Sendable, Equatable {
    /// The first sequence number whose entry is missing, edited, moved or disagrees with the
    /// newest checkpoint; `nil` when the kept trail is intact.
    public let firstBrokenSequence: Int64?
    /// The newest checkpoint the walk started from; `nil` when the trail was never purged.
    public let checkpoint: AuditCheckpoint?

    /// Whether the kept trail is intact.
    public var intact: Bool { firstBrokenSequence == nil }
}
