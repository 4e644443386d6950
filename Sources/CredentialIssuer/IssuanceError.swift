/// Why the issuer refused to build a credential or list. Each case says what to change.
public enum IssuanceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// More permissions than one credential may hold.
    case tooManyPermissions(count: Int, limit: Int)
    /// The validity window is longer than policy allows.
    case lifetimeTooLong(seconds: UInt64, limit: UInt64)
    /// The validity window ends before it starts.
    case validityInverted
    /// A permission's schedule is malformed (no day, empty span, too many slots, inverted window).
    case invalidSchedule(permissionIndex: Int)
    /// The key's public key is not 32 bytes.
    case invalidKeyPublicKey

    /// A message an administrator can act on.
    public var description: String {
        switch self {
        case .tooManyPermissions(let count, let limit):
            "a credential holds at most \(limit) permissions but \(count) were requested; split the key's "
                + "access or remove doors it no longer needs"
        case .lifetimeTooLong(let seconds, let limit):
            "the validity window of \(seconds) s exceeds the policy limit of \(limit) s; shorten it to the shift"
        case .validityInverted:
            "the validity window ends before it starts"
        case .invalidSchedule(let index):
            "permission \(index) has a malformed schedule: each weekly slot needs a day and a start before its "
                + "end, at most 4 slots; a visit window needs its start before its end"
        case .invalidKeyPublicKey:
            "the key's public key must be 32 bytes of Ed25519"
        }
    }
}
