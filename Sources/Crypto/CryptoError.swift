/// Why a cryptographic operation could not be carried out.
public enum CryptoError: Error, Equatable, Sendable {
    /// An input had the wrong length; carries what was expected and what was given.
    case invalidLength(expected: Int, actual: Int)
    /// A sealed box could not be opened: wrong recipient, or the bytes were altered.
    case openFailed
    /// libsodium refused to produce a key pair from the given seed.
    case keyGenerationFailed
    /// A public key is not a usable point: not a valid Ed25519 key, or an X25519 key of small order
    /// that would make a shared key predictable.
    case invalidPublicKey
}
