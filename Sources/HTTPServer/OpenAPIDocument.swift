/// Builds the OpenAPI 3.1 document the server serves, from the routes it actually has.
public struct OpenAPIDocument: Sendable {
    private struct Entry: Sendable {
        let method: HTTPMethod
        let pattern: String
        let summary: String
        let operation: OpenAPIOperation
    }

    private let title: String
    private let version: String
    private var entries: [Entry] = []
    private var schemas: [String: JSONSchema] = [:]
    private var headerSchemes: [String: (header: String, description: String)] = [:]

    /// Starts a document.
    public init(title: String, version: String) {
        self.title = title
        self.version = version
    }

    /// Adds a named schema that operations refer to with `.reference(name)`.
    public mutating func define(_ name: String, _ schema: JSONSchema) {
        schemas[name] = schema
    }

    /// Adds a security scheme in which the caller names itself in a request header and proves
    /// it some other way (described in `description`), for operations that do not take a token.
    public mutating func defineHeaderScheme(_ name: String, header: String, description: String) {
        headerSchemes[name] = (header, description)
    }

    /// Adds an operation.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, summary: String, _ operation: OpenAPIOperation) {
        entries.append(Entry(method: method, pattern: pattern, summary: summary, operation: operation))
    }

    /// The operations' identifiers, method and path, for checking the document against the router.
    public var operations: [(method: HTTPMethod, pattern: String, id: String)] {
        entries.map { ($0.method, $0.pattern, $0.operation.id) }
    }

    /// The document as JSON.
    public func encoded() throws -> [UInt8] {
        try JSONBodyEncoder().encode(render())
    }

    private func render() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for entry in entries {
            let path = OpenAPIDocument.openAPIPath(entry.pattern)
            var item = paths[path]?.objectValue ?? [:]
            item[entry.method.rawValue.lowercased()] = operation(entry)
            paths[path] = .object(item)
        }
        var components = schemas.mapValues { JSONValue.schema($0) }
        components["Problem"] = .schema(OpenAPIDocument.problemSchema)
        var securitySchemes: [String: JSONValue] = [
            "bearer": .object(["type": "http", "scheme": "bearer", "bearerFormat": "pvt_<id>_<secret>"])
        ]
        for (name, scheme) in headerSchemes {
            securitySchemes[name] = .object([
                "type": "apiKey", "in": "header", "name": .string(scheme.header),
                "description": .string(scheme.description),
            ])
        }
        return .object([
            "openapi": "3.1.0",
            "info": .object(["title": .string(title), "version": .string(version)]),
            "paths": .object(paths),
            "components": .object([
                "schemas": .object(components), "securitySchemes": .object(securitySchemes),
            ]),
        ])
    }

    private func operation(_ entry: Entry) -> JSONValue {
        let operation = entry.operation
        var parameters: [JSONValue] = OpenAPIDocument.pathParameters(entry.pattern).map { name in
            .object(["name": .string(name), "in": "path", "required": true, "schema": .schema(.string(minLength: 1))])
        }
        let optional = operation.query.map { ($0, "query") } + operation.headers.map { ($0, "header") }
        parameters += optional.map { parameter, location in
            .object([
                "name": .string(parameter.name), "in": .string(location), "required": false,
                "schema": .schema(parameter.schema), "description": .string(parameter.description),
            ])
        }

        var responses: [String: JSONValue] = [:]
        var success: [String: JSONValue] = ["description": .string(operation.success.status.reason)]
        if let schema = operation.success.schema {
            success["content"] = .object([operation.contentType: .object(["schema": .schema(schema)])])
        }
        responses[String(operation.success.status.code)] = .object(success)
        var errors: [HTTPStatus] =
            operation.errors + [.badRequest, .methodNotAllowed, .internalServerError, .serviceUnavailable]
        if operation.authenticated { errors += [.unauthorized, .forbidden] }
        if operation.body != nil { errors += [.unsupportedMediaType, .contentTooLarge] }
        var errorContent: [String: JSONValue] = [
            "application/problem+json": .object(["schema": .schema(.reference("Problem"))])
        ]
        // An operation that answers in its own media type may carry its problem documents
        // inside that envelope once the caller is known.
        if operation.contentType != "application/json", let schema = operation.success.schema {
            errorContent[operation.contentType] = .object(["schema": .schema(schema)])
        }
        for status in errors {
            responses[String(status.code)] = .object([
                "description": .string(status.reason), "content": .object(errorContent),
            ])
        }

        var object: [String: JSONValue] = [
            "operationId": .string(operation.id), "summary": .string(entry.summary),
            "tags": .array([.string(operation.tag)]), "parameters": .array(parameters), "responses": .object(responses),
        ]
        if let body = operation.body {
            object["requestBody"] = .object([
                "required": true, "content": .object([operation.contentType: .object(["schema": .schema(body)])]),
            ])
        }
        let scheme = operation.securityScheme ?? "bearer"
        object["security"] = operation.authenticated ? .array([.object([scheme: .array([])])]) : .array([])
        return .object(object)
    }

    /// `/api/v1/tokens/:id` becomes `/api/v1/tokens/{id}`.
    static func openAPIPath(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    static func pathParameters(_ pattern: String) -> [String] {
        pattern.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// RFC 9457 problem details as Portvakt sends them.
    static let problemSchema = JSONSchema.object(
        [
            "type": .string(), "title": .string(), "status": .integer(minimum: 100, maximum: 599),
            "detail": .string(), "instance": .string(),
            "errors": .array(.object(["field": .string(), "message": .string()], required: ["field", "message"])),
        ], required: ["type", "title", "status"])
}

/// A JSON value tree for assembling the document; schemas are embedded as they encode.
enum JSONValue: Sendable, Encodable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case schema(JSONSchema)

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    var objectValue: [String: JSONValue]? {
        if case .object(let object) = self { object } else { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .schema(let value): try container.encode(value)
        }
    }
}
