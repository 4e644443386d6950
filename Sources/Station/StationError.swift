/// A station failure with a stable code, a message a person can act on, and its cause.
public struct StationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable failure classes, for logs and tests.
    public enum Code: String, Sendable {
        /// The station has not been enrolled yet.
        case notEnrolled = "not_enrolled"
        /// Enrolment failed: the code, the server's answer, or its proof.
        case enrolment
        /// The state directory or database failed.
        case storage
        /// No server address answered.
        case unreachable
        /// The server did not accept the station's credentials: revoked, or the clock is far off.
        case unauthorised
        /// The server answered, but not as the station API says.
        case badAnswer = "bad_answer"
        /// The server refused the station's request (a `4xx` answer other than 401, 408, 409 and
        /// 429): asking again the same way will not help.
        case refused
        /// The server answered that it could not do it now: a conflict with a concurrent change
        /// (`409`) or an error of its own (a `5xx` other than 502–504). The same request may
        /// succeed later.
        case tryLater = "try_later"
        /// The settings are wrong.
        case configuration
    }

    /// The failure class.
    public let code: Code
    /// What happened and what to do.
    public let message: String
    /// The underlying error, for logs.
    public let cause: String?

    /// A failure.
    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message with its cause.
    public var description: String {
        cause.map { "\(message) (\($0))" } ?? message
    }
}
