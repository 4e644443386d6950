import Accounts
import Audit
import HTTPServer
import Storage

/// Writes one audit entry per change made through the API, in the transaction of the change, with
/// the object's JSON before and after.
struct ChangeRecorder {
    let principal: Principal
    let now: @Sendable () -> Int64

    /// Appends the change; `before` is `nil` for a creation.
    func record<Object: Encodable>(
        _ action: String, _ objectType: String, id: String, organisationID: String, before: Object?, after: Object,
        in connection: any SQLConnection
    ) throws {
        let encode: (Object?) throws -> String? = { value in
            try value.map { String(decoding: try JSONBodyEncoder().encode($0), as: UTF8.self) }
        }
        let change = AuditChange(
            actorID: principal.id, actorOrganisationID: principal.organisationID, organisationID: organisationID,
            action: action, objectType: objectType, objectID: id, before: try encode(before), after: try encode(after))
        try AuditTrail().append(change, at: now(), in: connection)
    }
}
