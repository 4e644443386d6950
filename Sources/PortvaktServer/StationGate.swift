import HTTPServer
import Observability
import StationLink
import Storage

/// The way into every station operation: opens the sealed request with the calling station's
/// enrolled key, refuses replays, runs the operation, and seals its answer (docs/station.md §3).
///
/// Every authentication failure is the same plain 401, whatever its cause, so a caller learns
/// nothing about which stations exist or what it got wrong; the cause is logged. Once the
/// station is known, every answer is sealed, problem documents included.
struct StationGate: Sendable {
    /// An operation: the calling station and its opened request; returns the JSON to seal.
    typealias Handler = @Sendable (StationCall) throws -> HTTPResponse

    let database: any Database
    let keys: ServerKeys
    let now: @Sendable () -> Int64
    let logger: Logger

    /// The security scheme the OpenAPI document names for station operations.
    static let scheme = "stationLink"
    static let schemeDescription =
        "The calling station's id. The body is a request sealed with crypto_box between the station's enrolled "
        + "key and the server's link key (docs/station.md §3); the answer is sealed the same way."

    func handle(_ request: HTTPRequest, _ handler: Handler) throws -> HTTPResponse {
        guard request.headers["Content-Type"]?.lowercased() == StationLink.contentType else {
            throw HTTPError(
                .unsupportedMediaType,
                detail: "station operations take a sealed body of type \(StationLink.contentType)")
        }
        let (call, channel, nonce) = try authenticate(request)
        let answer = answer(call, handler)
        let sealed = channel.sealResponse(status: answer.status.code, body: answer.body, requestNonce: nonce)
        return HTTPResponse(
            status: answer.status, headers: HTTPHeaders([("Content-Type", StationLink.contentType)]), body: sealed)
    }

    /// Finds the enrolled station, opens its request and records the nonce.
    private func authenticate(_ request: HTTPRequest) throws -> (StationCall, LinkChannel, [UInt8]) {
        guard let header = request.headers[StationLink.stationHeader], let id = Int64(header), id > 0 else {
            throw refusal(station: nil, "the station header is missing or not a station id")
        }
        let row = try database.read { connection in
            try connection.first(
                """
                SELECT organisation_id, public_key FROM stations
                WHERE id = $1 AND public_key IS NOT NULL AND revoked_at IS NULL
                """, [.integer(id)])
        }
        guard let row else { throw refusal(station: id, "no enrolled, unrevoked station has this id") }
        let channel: LinkChannel
        let opened: LinkRequest
        let time = now()
        do {
            channel = try LinkChannel(privateKey: keys.link, peerPublicKey: try row.blob("public_key"))
            opened = try channel.openRequest(
                request.body, method: request.method.rawValue, path: request.path, now: time)
        } catch let error as LinkError {
            throw refusal(station: id, error.description)
        }
        let fresh = try database.write { connection in
            // A nonce is kept by the time the station sealed into its request, which alone decides
            // whether a replay would still be accepted, and dropped once that time is a whole window
            // (twice the tolerance) behind this server's clock. So a server whose clock is up to the
            // tolerance behind the one that purged, or one whose clock stepped back that far, still
            // finds the nonce of every request whose time it would accept. The purge runs only
            // after a request whose sealed time agreed with this clock: a clock that jumped ahead
            // refuses every request and so purges nothing.
            try connection.execute(
                "DELETE FROM station_nonces WHERE station_id = $1 AND seen_at < $2",
                [.integer(id), .integer(time - StationLink.replayWindow)])
            return try !connection.execute(
                """
                INSERT INTO station_nonces (station_id, nonce, seen_at) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING RETURNING station_id
                """, [.integer(id), .blob(opened.nonce), .integer(opened.time)]
            ).isEmpty
        }
        guard fresh else { throw refusal(station: id, "the request's nonce was seen before: a replay") }
        let station = LinkedStation(id: id, organisationID: try row.text("organisation_id"))
        return (StationCall(station: station, request: request, body: opened.body), channel, opened.nonce)
    }

    /// Runs the operation and turns whatever it throws into a problem document, which the
    /// caller then seals like any other answer.
    private func answer(_ call: StationCall, _ handler: Handler) -> HTTPResponse {
        let problem: any ProblemConvertible
        do {
            return try handler(call)
        } catch let error as any ProblemConvertible {
            problem = error
            if error.problem.status >= 500 {
                logger.error(
                    "station operation failed",
                    ["station.id": .int(Int(call.station.id)), "error.type": .string("\(type(of: error))")])
            }
        } catch {
            logger.error(
                "station operation threw an unexpected error",
                [
                    "station.id": .int(Int(call.station.id)), "http.request_id": .string(call.request.id),
                    "error.type": .string("\(type(of: error))"), "error.message": .string("\(error)"),
                ])
            problem = HTTPError(
                .internalServerError,
                detail: "something went wrong on the server; if it keeps happening, report request \(call.request.id)")
        }
        var details = problem.problem
        details.instance = "urn:portvakt:request:" + call.request.id
        let status = HTTPStatus(details.status, details.title)
        return (try? HTTPResponse.json(details, status: status)) ?? HTTPResponse(status: status)
    }

    private func refusal(station: Int64?, _ reason: String) -> HTTPError {
        logger.notice(
            "station request refused",
            ["station.id": station.map { .int(Int($0)) } ?? .string("none"), "station.reason": .string(reason)])
        return HTTPError(
            .unauthorized,
            detail: "this request is not from an enrolled station, or was altered, replayed or sent with a wrong "
                + "clock; check the station's clock and enrolment",
            headers: HTTPHeaders([("WWW-Authenticate", #"PortvaktStation realm="portvakt""#)]))
    }
}

/// The station that made a request.
struct LinkedStation: Sendable {
    /// Its id.
    let id: Int64
    /// The provider it serves; every operation is scoped to it.
    let organisationID: String
}

/// One opened station request.
struct StationCall: Sendable {
    /// Who called.
    let station: LinkedStation
    /// The HTTP request that carried it (for its id and path).
    let request: HTTPRequest
    /// The opened JSON body.
    let body: [UInt8]

    /// Decodes the opened body as JSON, refusing `null` members like every JSON route.
    /// - Throws: `HTTPError` 400 naming the field that is wrong.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try HTTPRequest(
            method: request.method, path: request.path, headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: body, id: request.id
        ).decode(type)
    }
}
