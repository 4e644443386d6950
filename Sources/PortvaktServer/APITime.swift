import HTTPServer

/// Moments in request and response bodies: milliseconds since the Unix epoch, as everywhere in
/// the API.
enum APITime {
    /// The moments a request may name: from 1970 to the end of the year 9999, so that every one
    /// can be written as a date in messages and none overflows when compared.
    static let range: ClosedRange<Int64> = 0...253_402_300_799_999

    /// The schema of a moment in a request body.
    static let schema = JSONSchema.integer(minimum: range.lowerBound, maximum: range.upperBound)

    /// The moment a request gave in `field`, or `fallback` when it gave none.
    /// - Returns: the moment; when it is out of range, a field error is appended to `errors`
    ///   and `fallback` returned, so that every invalid field is reported at once.
    static func moment(
        _ value: Int64?, field: String, fallback: Int64, errors: inout [ProblemDetails.FieldError]
    ) -> Int64 {
        guard let value else { return fallback }
        guard range.contains(value) else {
            errors.append(.init(field: field, message: "a time in milliseconds since 1970, at most the end of 9999"))
            return fallback
        }
        return value
    }
}
