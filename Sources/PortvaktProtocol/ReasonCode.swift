/// Why a lock opened or refused, sent to the key in every decision and kept in the lock's log.
///
/// The raw values are stable across versions and listed in `docs/protocol.md`; new codes are only
/// ever added.
public enum ReasonCode: UInt8, Sendable, CaseIterable {
    /// The door opens.
    case granted = 0x00
    /// The message could not be decoded (truncated, oversized, reserved bits set, bad order).
    case malformed = 0x01
    /// The message's version is outside what the lock supports.
    case unsupportedVersion = 0x02
    /// The negotiated version or capabilities do not match what both sides offered.
    case downgrade = 0x03
    /// No challenge is pending, it timed out, or the echoed nonce is not the current one: a replay.
    case noChallenge = 0x04
    /// The credential names an issuer key this lock does not trust at the credential's issue time.
    case unknownIssuer = 0x05
    /// The issuer's signature on the credential is invalid: the credential was altered or forged.
    case badIssuerSignature = 0x06
    /// The key's signature over the transcript is invalid: wrong key, altered or replayed transcript.
    case badKeySignature = 0x07
    /// The key is on the issuer's revocation list, or the credential predates the list's cut-off.
    case revoked = 0x08
    /// The credential's validity ended before the lock's time.
    case expired = 0x09
    /// The credential's validity starts after the lock's time.
    case notYetValid = 0x0A
    /// The presented permission is for another lock.
    case wrongLock = 0x0B
    /// The permission's Merkle proof does not lead to the credential's signed root.
    case badPermissionProof = 0x0C
    /// The permission exists but its schedule or visit window excludes the current time.
    case outsideSchedule = 0x0D
    /// The key's time lies before the lock's time floor by more than the tolerance.
    case timeRollback = 0x0E
    /// The credential's validity window is longer than the lock accepts.
    case lifetimeTooLong = 0x0F
    /// A revocation list is not newer than the one the lock holds (accepted as a no-op).
    case staleRevocationList = 0x10
    /// A revocation list or event receipt needs an authenticated session first.
    case notAuthenticated = 0x11
    /// The lock already keeps lists for the most issuers it can; the list was not stored.
    case issuerCapacity = 0x12
}
