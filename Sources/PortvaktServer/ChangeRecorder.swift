import Accounts
import Audit
import HTTPServer
import Storage

/// Writes one audit entry per change made through the API, in the transaction of the change, with
/// the object's JSON before and after.
struct ChangeRecorder {
    /// Who made the change: an API principal's id, or `station:<id>` for a station.
    let actorID: String
    /// The organisation the actor belongs to.
    let actorOrganisationID: String
    let now: @Sendable () -> Int64

    /// Records changes made by an API caller.
    init(principal: Principal, now: @escaping @Sendable () -> Int64) {
        self.actorID = principal.id
        self.actorOrganisationID = principal.organisationID
        self.now = now
    }

    /// Records changes made by a sync station, as `station:<id>` of the station's provider.
    init(station id: Int64, organisationID: String, now: @escaping @Sendable () -> Int64) {
        self.actorID = "station:\(id)"
        self.actorOrganisationID = organisationID
        self.now = now
    }

    /// Appends the change; `before` is `nil` for a creation.
    func record<Object: Encodable>(
        _ action: String, _ objectType: String, id: String, organisationID: String, before: Object?, after: Object,
        in connection: any SQLConnection
    ) throws {
        let encode: (Object?) throws -> String? = { value in
            try value.map { String(decoding: try JSONBodyEncoder().encode($0), as: UTF8.self) }
        }
        let change = AuditChange(
            actorID: actorID, actorOrganisationID: actorOrganisationID, organisationID: organisationID,
            action: action, objectType: objectType, objectID: id, before: try encode(before), after: try encode(after))
        try AuditTrail().append(change, at: now(), in: connection)
    }
}
