import PortvaktProtocol

/// Why the key could not carry out a step. Stable cases, each naming what to do next.
public enum KeyError: Error, Equatable, Sendable {
    /// Bytes from a lock or station could not be decoded; the cause says where.
    case malformed(WireError)
    /// The key holds no credential; it must be docked at a station.
    case notActivated
    /// The activation was made for another key's identity or public key.
    case activationForAnotherKey
    /// The activation, list or acknowledgement names an issuer key the key does not trust.
    case untrustedIssuer
    /// An issuer signature failed: the data was altered or forged.
    case badIssuerSignature
    /// The permissions do not hash to the credential's signed root, or their count differs.
    case permissionRootMismatch
    /// The permissions are not in ascending lock order, which the key relies on to find them.
    case permissionsOutOfOrder
    /// The key holds no permission for this lock; the try is logged.
    case noPermission
    /// A decision or receipt arrived with no door transaction in progress.
    case noPendingChallenge
    /// The decision is for another lock or another nonce.
    case decisionMismatch
    /// An acknowledgement arrived with no sync session in progress.
    case noPendingSync
    /// The acknowledgement belongs to another key or session.
    case acknowledgementMismatch
    /// The battery reading is out of range (percent above 100).
    case invalidBatteryReading
}
