import Authorization
import HTTPServer

/// What a refused change to the access model means for the client that asked for it.
extension AccessError: ProblemConvertible {
    public var problem: ProblemDetails {
        switch code {
        case .notFound:
            ProblemDetails(title: "Not Found", status: 404, detail: message)
        case .duplicate:
            ProblemDetails(title: "Conflict", status: 409, detail: message)
        case .keyNotActive, .conflict:
            ProblemDetails(title: "Conflict", status: 409, detail: message)
        case .notOwnStaff, .notOwnRecipient, .invalidPeriod, .wrongDoorKind, .wrongOrganisationKind:
            ProblemDetails(title: "Unprocessable Content", status: 422, detail: message)
        }
    }
}
