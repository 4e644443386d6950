import Foundation

/// A request as a handler sees it: the whole body already read and bounded by the size limit.
public struct HTTPRequest: Sendable {
    /// The request method.
    public let method: HTTPMethod
    /// The decoded path, without the query string.
    public let path: String
    /// Query parameters, decoded; the first value wins when a name repeats.
    public let query: [String: String]
    /// The request's header fields.
    public let headers: HTTPHeaders
    /// The request body; empty when none was sent.
    public let body: [UInt8]
    /// Values of the route's `:name` segments.
    public internal(set) var parameters: [String: String]
    /// The client's network address as text, for logs and rate limits.
    public let remoteAddress: String
    /// An identifier for this request, also sent back as `X-Request-ID` and written to the log.
    public let id: String

    /// Creates a request; the server does this, and tests may too.
    public init(
        method: HTTPMethod, path: String, query: [String: String] = [:], headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], parameters: [String: String] = [:], remoteAddress: String = "", id: String = ""
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.parameters = parameters
        self.remoteAddress = remoteAddress
        self.id = id
    }

    /// The value of the route parameter `name`.
    /// - Throws: `HTTPError` 404 when the route has no such parameter (a routing mistake).
    public func parameter(_ name: String) throws(HTTPError) -> String {
        guard let value = parameters[name] else { throw HTTPError(.notFound, detail: "no such resource") }
        return value
    }

    /// Decodes the JSON body into `T`.
    ///
    /// A member set to `null` is refused rather than read as absent: no request schema of the API
    /// allows `null`, and a client that sends one means something the server would otherwise
    /// silently ignore. Leave a field out to leave it unchanged.
    ///
    /// - Throws: `HTTPError` 415 when the body is not declared as JSON, 400 when it is not valid
    ///   JSON, has a `null` member or does not have the expected shape, with a detail naming the
    ///   offending field.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws(HTTPError) -> T {
        if let contentType = headers["Content-Type"], !contentType.lowercased().hasPrefix("application/json") {
            throw HTTPError(
                .unsupportedMediaType, detail: "send the request body as JSON with Content-Type: application/json")
        }
        guard !body.isEmpty else {
            throw HTTPError(.badRequest, title: "Missing request body", detail: "this request needs a JSON body")
        }
        let data = Data(body)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let field = object.first(where: { $0.value is NSNull })?.key
        {
            let message = "the field \(field) must not be null; leave it out instead"
            throw HTTPError(
                .badRequest, title: "Invalid request body", detail: message,
                errors: [ProblemDetails.FieldError(field: field, message: message)])
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw HTTPError.describing(error)
        } catch {
            throw HTTPError(.badRequest, title: "Malformed JSON", detail: "the request body is not valid JSON")
        }
    }
}
