/// The fixed limits of protocol version 1. They bound every allocation a lock makes for outside
/// input and are part of the specification, not configuration.
public enum ProtocolLimits {
    /// Most permissions one credential may hold.
    public static let maxPermissions = 4_000
    /// Most sibling hashes in a permission proof: the depth of a tree of ``maxPermissions`` leaves.
    public static let maxProofDepth = 12
    /// Length of the lock's challenge nonce.
    public static let nonceLength = 32
    /// Most time slots in one weekly schedule.
    public static let maxScheduleSlots = 4
    /// Most entries in one issuer's revocation list.
    public static let maxRevocationEntries = 1_024
    /// Most trust anchors (issuer public keys) a lock holds.
    public static let maxTrustAnchors = 8
    /// Most issuers whose revocation lists a lock keeps, one list each.
    public static let maxIssuers = 8
    /// Most lock events in one sealed batch handed to a key.
    public static let maxEventsPerBatch = 64
    /// Largest sealed event batch, in bytes, that a key accepts in a decision message.
    public static let maxSealedBatchLength =
        EventBatch.headerLength + maxEventsPerBatch * LockEvent.encodedLength + sealOverhead
    /// Bytes a sealed box adds (X25519 ephemeral key and Poly1305 tag).
    public static let sealOverhead = 48
    /// Most entries in one key-to-station upload message.
    public static let maxUploadEntries = 512
    /// Largest single upload entry in bytes.
    public static let maxUploadEntryLength = 4_096
}

/// Lengths of identifiers and cryptographic values.
public enum FieldLength {
    /// A lock identity.
    public static let lockID = 16
    /// A digital key identity.
    public static let keyID = 16
    /// An issuer key identifier.
    public static let issuerKeyID = 8
    /// An Ed25519 or X25519 public key.
    public static let publicKey = 32
    /// An Ed25519 signature.
    public static let signature = 64
    /// A BLAKE2b-256 digest.
    public static let digest = 32
}
