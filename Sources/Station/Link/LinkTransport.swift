import Crypto
import StationLink

/// The production ``StationTransport``: every call sealed to the server's link key with the
/// station's own key (docs/station.md §3), sent over the ``Uplink``'s addresses in order.
///
/// Each address tried gets a freshly sealed request, since the server refuses a nonce it has
/// seen. Only the sealed status and body of the answer are trusted, and only when the answer
/// names this request's nonce.
public struct LinkTransport: StationTransport {
    private let channel: LinkChannel
    private let stationID: String
    private let uplink: Uplink
    private let clock: @Sendable () -> Int64

    /// A transport for an enrolled station.
    ///
    /// - Parameter clock: Unix milliseconds, sealed into every request.
    /// - Throws: ``StationError`` with code `.enrolment` when the pinned link key is unusable.
    public init(identity: StationIdentity, uplink: Uplink, clock: @escaping @Sendable () -> Int64) throws(StationError)
    {
        do {
            channel = try LinkChannel(privateKey: identity.privateKey, peerPublicKey: identity.serverKeys.linkPublicKey)
        } catch {
            throw StationError(.enrolment, error.description)
        }
        stationID = identity.stationID
        self.uplink = uplink
        self.clock = clock
    }

    /// See ``StationTransport/call(_:body:)``.
    public func call(_ operation: StationOperation, body: [UInt8]) throws(StationError) -> (status: Int, body: [UInt8])
    {
        let (response, sealed) = try uplink.exchange { () throws(StationError) in
            let sealed = channel.sealRequest(method: "POST", path: operation.path, body: body, time: clock())
            let request = HTTPClientRequest(
                method: "POST", path: operation.path,
                headers: [("Content-Type", StationLink.contentType), (StationLink.stationHeader, stationID)],
                body: sealed.bytes)
            return (request, sealed)
        }
        guard response.headers["content-type"] == StationLink.contentType else {
            if response.status == 401 {
                throw StationError(
                    .unauthorised,
                    "the server did not accept this station: it may have been revoked, or its clock differs from "
                        + "the server's by more than five minutes", cause: "HTTP 401")
            }
            throw StationError(
                .badAnswer, "the server answered \(operation.rawValue) without a sealed body",
                cause: "HTTP \(response.status)")
        }
        do {
            let opened = try channel.openResponse(response.body, requestNonce: sealed.nonce)
            return (opened.status, opened.body)
        } catch {
            throw StationError(
                .badAnswer, "the server's answer to \(operation.rawValue) was refused", cause: error.description)
        }
    }
}
