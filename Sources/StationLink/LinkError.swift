/// Why a sealed message or an enrolment code was refused. The server answers every
/// authentication failure with the same 401 and logs the case; a station shows the message.
public enum LinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer's public key is not a usable Ed25519 key.
    case invalidPeerKey
    /// The envelope is shorter than a nonce and an authenticator.
    case truncated(length: Int)
    /// The box did not open: sealed for another key pair, or altered on the way.
    case cannotOpen
    /// The box opened but its plaintext is not a request or response of this version.
    case malformedPlaintext
    /// The sealed method and path are not those of the HTTP request that carried them.
    case wrongOperation(sealed: String, received: String)
    /// The sealed time is too far from the receiver's clock.
    case staleTime(skewMilliseconds: Int64)
    /// The response answers another request than the one sent.
    case wrongRequestNonce
    /// An enrolment code that cannot be right, with the reason.
    case invalidEnrolmentCode(String)

    /// What happened and what to do about it.
    public var description: String {
        switch self {
        case .invalidPeerKey:
            "the peer's public key is not a valid Ed25519 key; enrol the station again"
        case .truncated(let length):
            "a sealed message of \(length) bytes is shorter than its nonce and authenticator"
        case .cannotOpen:
            "the sealed message does not open with this station's and the server's keys: it was altered, or the "
                + "station or server key differs from the one enrolled"
        case .malformedPlaintext:
            "the sealed message opened but is not a version 1 link request or response"
        case .wrongOperation(let sealed, let received):
            "the message was sealed for \(sealed) but arrived as \(received)"
        case .staleTime(let skew):
            "the message's time is \(skew / 1000) s away from this clock, more than the 300 s allowed; check that "
                + "the station's and the server's clocks are set (NTP)"
        case .wrongRequestNonce:
            "the response answers another request than the one sent; it was replayed or mixed up"
        case .invalidEnrolmentCode(let reason):
            "the enrolment code is not valid: \(reason); type it again as shown, or ask an administrator for a new one"
        }
    }
}
