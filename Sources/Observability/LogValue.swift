/// A value attached to a log record under a dotted key such as `http.status`.
///
/// There is deliberately no case for arbitrary objects: what goes into a log is chosen field by
/// field, which keeps secrets and personal data out by construction.
public enum LogValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
}

extension LogValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringInterpolation
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension LogValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        }
    }
}

/// Log metadata: dotted, lower-case keys (`db.backend`, `http.route`) mapped to values.
public typealias LogMetadata = [String: LogValue]

/// The fields of one record, written in the order given. A literal (`["http.status": 200]`)
/// builds one without hashing, which keeps logging cheap on the request path.
public typealias LogFields = KeyValuePairs<String, LogValue>
