/// The station link: how an enrolled sync station and the server talk (docs/station.md §3–4).
///
/// Every call after enrolment is a `POST` whose body is a sealed envelope (``LinkChannel``):
/// `crypto_box` between the station's key and the server's link key, both Ed25519 keys used as
/// X25519. The plaintext names the method, path and time, so a sealed request cannot be sent
/// to another operation or kept for later; the answer names the request's nonce, so it cannot
/// be replayed into another request. Enrolment (``EnrolmentCode``, ``EnrolmentKey``) binds the
/// station's key to the server with a one-time code that never travels.
///
/// This module uses no Foundation: bodies are bytes, and JSON coding is the caller's.
public enum StationLink {
    /// The content type of every sealed request and response.
    public static let contentType = "application/vnd.portvakt.sealed"
    /// The header naming the calling station's id.
    public static let stationHeader = "Portvakt-Station"
    /// How far a request's time may be from the server's clock, in milliseconds: 5 minutes.
    public static let clockTolerance: Int64 = 5 * 60 * 1000
    /// How long the server remembers a request nonce, in milliseconds: 10 minutes, twice the
    /// tolerance, so a replay is refused for as long as its time would be accepted.
    public static let replayWindow: Int64 = 10 * 60 * 1000
    /// Where station operations live: `POST` + this prefix + the operation's name.
    public static let operationPrefix = "/api/v1/station/"
    /// The public route a station enrols through, with plain JSON.
    public static let enrolmentPath = "/api/v1/station-enrolment"
}
