/// What the OpenAPI document says about one route: its parameters, body and answers.
public struct OpenAPIOperation: Sendable {
    /// A query parameter.
    public struct Query: Sendable {
        public let name: String
        public let schema: JSONSchema
        public let description: String

        /// Describes a query parameter; query parameters are always optional.
        public init(_ name: String, _ schema: JSONSchema, _ description: String) {
            self.name = name
            self.schema = schema
            self.description = description
        }
    }

    /// Groups operations in the document, such as `tokens`.
    public let tag: String
    /// A stable identifier, such as `createToken`.
    public let id: String
    /// Query parameters.
    public let query: [Query]
    /// Optional request header fields the operation reads, such as `If-Match`.
    public let headers: [Query]
    /// The JSON request body's schema, if the operation takes one.
    public let body: JSONSchema?
    /// The success status and its JSON schema (`nil` for an empty body).
    public let success: (status: HTTPStatus, schema: JSONSchema?)
    /// Error statuses the operation can answer besides those every API route can (400, 401,
    /// 403, 405, 415, 500, 503), each with a problem document.
    public let errors: [HTTPStatus]
    /// Whether the caller must authenticate (a bearer token unless ``securityScheme`` names
    /// another scheme).
    public let authenticated: Bool
    /// The media type of the request body and the success answer: JSON, unless the operation
    /// exchanges opaque bytes such as sealed envelopes.
    public let contentType: String
    /// The security scheme the caller authenticates with instead of a bearer token, defined
    /// with ``OpenAPIDocument/defineHeaderScheme(_:header:description:)``.
    public let securityScheme: String?

    /// Describes an operation.
    public init(
        tag: String, id: String, query: [Query] = [], headers: [Query] = [], body: JSONSchema? = nil,
        success: (status: HTTPStatus, schema: JSONSchema?), errors: [HTTPStatus] = [], authenticated: Bool = true,
        contentType: String = "application/json", securityScheme: String? = nil
    ) {
        self.tag = tag
        self.id = id
        self.query = query
        self.headers = headers
        self.body = body
        self.success = success
        self.errors = errors
        self.authenticated = authenticated
        self.contentType = contentType
        self.securityScheme = securityScheme
    }
}
