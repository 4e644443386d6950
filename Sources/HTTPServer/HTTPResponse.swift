/// A complete response: status, header fields and body bytes.
public struct HTTPResponse: Sendable {
    /// The status sent.
    public var status: HTTPStatus
    /// Header fields; the server adds security headers and `X-Request-ID` to every response.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response encoding `value` with sorted keys and ISO 8601 dates.
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) throws -> HTTPResponse {
        HTTPResponse(
            status: status, headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: try JSONBodyEncoder().encode(value))
    }

    /// A plain-text response.
    public static func text(_ text: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8")
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(text.utf8))
    }

    /// A response with no body.
    public static func empty(_ status: HTTPStatus = .noContent) -> HTTPResponse {
        HTTPResponse(status: status)
    }
}
