import PortvaktProtocol

/// Keeps one issuer's block list and signs its versions.
///
/// Entries are dropped once every credential they could refuse has expired, which keeps the list
/// to the keys blocked within the last shift. If it still reaches capacity, the builder raises the
/// cut-off instead of refusing a block: every credential issued before now stops working, all
/// entries become redundant and are cleared, and honest staff dock once for a fresh credential.
/// Nobody new is ever refused because the list is full.
public struct RevocationListBuilder: Sendable {
    /// The signing key.
    public let signingKey: IssuerSigningKey
    /// Longest credential lifetime the issuer signs; an entry lives this long after its block.
    public let maxCredentialLifetime: UInt64
    /// Most entries before compaction; the protocol's limit unless a smaller one is wanted.
    public let capacity: Int
    /// The version of the last list built.
    public private(set) var version: UInt32 = 0
    /// The current cut-off.
    public private(set) var credentialsIssuedBefore: UInt64 = 0
    private var entries: [KeyID: RevocationEntry] = [:]

    /// A builder for `signingKey`'s issuer.
    /// - Parameter lastVersion: the version of the last list this issuer built, when the builder
    ///   resumes from stored state; the next ``build(now:)`` is one higher.
    public init(
        signingKey: IssuerSigningKey, maxCredentialLifetime: UInt64 = 16 * 3_600,
        capacity: Int = ProtocolLimits.maxRevocationEntries, lastVersion: UInt32 = 0
    ) {
        precondition(capacity >= 1 && capacity <= ProtocolLimits.maxRevocationEntries, "capacity out of range")
        self.signingKey = signingKey
        self.maxCredentialLifetime = maxCredentialLifetime
        self.capacity = capacity
        self.version = lastVersion
    }

    /// Blocks `keyID` at `time`: every credential of the key issued up to then is refused.
    public mutating func block(_ keyID: KeyID, at time: UInt64) {
        entries[keyID] = RevocationEntry(keyID: keyID, revokedAt: time, expiresAt: time + maxCredentialLifetime)
    }

    /// Lifts a block, for a key that was found again. Credentials issued after the block worked
    /// anyway; this only tidies the list.
    public mutating func unblock(_ keyID: KeyID) {
        entries[keyID] = nil
    }

    /// Refuses every credential of this issuer issued before `time`: the emergency lever after a
    /// suspected leak, and what ``build(now:)`` does by itself when the list is full. Entries
    /// blocked before the cut-off are dropped, since the cut-off covers them.
    public mutating func refuseCredentials(issuedBefore time: UInt64) {
        guard time > credentialsIssuedBefore else { return }
        credentialsIssuedBefore = time
        entries = entries.filter { $0.value.revokedAt >= time }
    }

    /// The number of live entries.
    public var count: Int { entries.count }

    /// Builds, signs and returns the next version at `now`, after dropping expired entries and,
    /// when still over capacity, compacting with a new cut-off.
    public mutating func build(now: UInt64) -> RevocationList {
        entries = entries.filter { $0.value.expiresAt >= now }
        if entries.count > capacity { refuseCredentials(issuedBefore: now + 1) }
        version += 1
        var list = RevocationList(
            issuerID: signingKey.issuerID, issuerKeyID: signingKey.keyID, version: version, issuedAt: now,
            credentialsIssuedBefore: credentialsIssuedBefore, entries: entries.values.sorted { $0.keyID < $1.keyID })
        list.signature = signingKey.sign(list.signedMessage)
        return list
    }
}
