import Foundation

/// An error that knows how to answer an HTTP request with an RFC 9457 problem document.
///
/// Errors from lower layers (storage, validation) conform to `ProblemConvertible` in the layer
/// that knows what they mean for a client; anything else becomes a logged 500.
public protocol ProblemConvertible: Error {
    /// The problem document to send.
    var problem: ProblemDetails { get }
}

/// An error raised by a handler to answer with a specific status and explanation.
public struct HTTPError: ProblemConvertible, Sendable, CustomStringConvertible {
    /// The problem document sent to the client.
    public var problem: ProblemDetails
    /// Extra response headers, such as `Allow` on a 405.
    public var headers: HTTPHeaders

    /// Creates an error.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - type: a URI naming the problem type; `about:blank` means the status says it all.
    ///   - title: a short summary; defaults to the status's reason phrase.
    ///   - detail: what happened in this case and, where possible, what to do about it.
    public init(
        _ status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        errors: [ProblemDetails.FieldError]? = nil, headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.problem = ProblemDetails(
            type: type, title: title ?? status.reason, status: status.code, detail: detail, errors: errors)
        self.headers = headers
    }

    public var description: String { "\(problem.status) \(problem.title): \(problem.detail ?? "")" }

    /// A 400 describing where and why a JSON body did not match the expected shape.
    static func describing(_ error: DecodingError) -> HTTPError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        let field: String
        let detail: String
        switch error {
        case .keyNotFound(let key, let context):
            field = path(context.codingPath + [key])
            detail = "the field \(field) is required"
        case .typeMismatch(let type, let context):
            field = path(context.codingPath)
            detail = "the field \(field) must be \(describe(type))"
        case .valueNotFound(let type, let context):
            field = path(context.codingPath)
            detail = "the field \(field) must be \(describe(type)), not null"
        case .dataCorrupted(let context):
            field = path(context.codingPath)
            if context.codingPath.isEmpty {
                return HTTPError(.badRequest, title: "Malformed JSON", detail: "the request body is not valid JSON")
            }
            detail = "the field \(field) has an invalid value"
        @unknown default:
            field = ""
            detail = "the request body does not have the expected shape"
        }
        return HTTPError(
            .badRequest, title: "Invalid request body", detail: detail,
            errors: [ProblemDetails.FieldError(field: field, message: detail)])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object of the documented shape"
        }
    }
}

/// An RFC 9457 problem document, served as `application/problem+json`.
public struct ProblemDetails: Codable, Sendable, Equatable {
    /// One invalid field of a request, so a form can point at it.
    public struct FieldError: Codable, Sendable, Equatable {
        /// The field's path in the request body, such as `schedule.days[2]`.
        public var field: String
        /// What is wrong with it and what is expected.
        public var message: String

        /// Creates a field error.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// A URI naming the problem type.
    public var type: String
    /// A short, human-readable summary of the problem type.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// An explanation specific to this occurrence.
    public var detail: String?
    /// The request this occurred in (its request id as a URN).
    public var instance: String?
    /// Field-level validation errors, when the problem is invalid input.
    public var errors: [FieldError]?

    /// Creates a problem document.
    public init(
        type: String = "about:blank", title: String, status: Int, detail: String? = nil, instance: String? = nil,
        errors: [FieldError]? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }
}
