import HTTPServer
import Storage

/// What a storage failure means for the client that caused it.
extension StorageError: ProblemConvertible {
    public var problem: ProblemDetails {
        switch code {
        case .unavailable, .poolTimeout:
            ProblemDetails(
                title: "Service Unavailable", status: 503,
                detail: "the database is not reachable or is overloaded; try again shortly")
        case .conflict:
            ProblemDetails(
                title: "Conflict", status: 409,
                detail: "another change to the same data happened at the same time; try again")
        case .uniqueViolation:
            ProblemDetails(title: "Conflict", status: 409, detail: "a record with the same identity already exists")
        case .constraintViolation:
            ProblemDetails(
                title: "Unprocessable Content", status: 422,
                detail: "the change refers to records that do not exist or leaves required values empty")
        case .invalidStatement, .decoding, .schema, .backend:
            ProblemDetails(
                title: "Internal Server Error", status: 500, detail: "the server could not complete the request")
        }
    }
}
