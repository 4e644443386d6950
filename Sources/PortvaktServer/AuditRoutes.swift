import Accounts
import Audit
import HTTPServer
import Storage

/// `/api/v1/audit`: the audit trail, read page by page within the caller's scope, and its
/// integrity check.
struct AuditRoutes {
    let database: any Database

    /// One page of entries.
    typealias Page = APIPage<Entry>

    /// An entry as the API shows it, with the hash in hexadecimal.
    struct Entry: Codable {
        var sequence: Int64
        var at: Int64
        var actorID: String
        var actorOrganisationID: String
        var organisationID: String
        var action: String
        var objectType: String
        var objectID: String
        var before: String?
        var after: String?
        var hash: String
    }

    /// The result of checking the chain.
    struct Verification: Codable {
        var intact: Bool
        var firstBrokenSequence: Int64?
        /// The last entry removed by the retention purge; the check starts after it.
        var purgedThrough: Int64?
    }

    static let readers: Set<Role> = [.centralAdministrator, .providerAdministrator, .auditor]

    func register(in api: inout APIRouter) {
        api.define(
            "AuditEntry",
            .object(
                [
                    "sequence": .integer(minimum: 1), "at": .integer(), "actorID": .string(),
                    "actorOrganisationID": .string(), "organisationID": .string(), "action": .string(),
                    "objectType": .string(), "objectID": .string(), "before": .string(), "after": .string(),
                    "hash": .string(pattern: "^[0-9a-f]{64}$"),
                ],
                required: [
                    "sequence", "at", "actorID", "actorOrganisationID", "organisationID", "action", "objectType",
                    "objectID", "hash",
                ]))
        let database = self.database
        api.add(
            .get, "/api/v1/audit", summary: "Read the audit trail", roles: Self.readers,
            OpenAPIOperation(
                tag: "audit", id: "listAuditEntries",
                query: [
                    .init(
                        "after", .integer(minimum: 0), "return entries after this sequence number (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "entries per page, 100 by default"),
                ],
                success: (
                    .ok,
                    .object(["items": .array(.reference("AuditEntry")), "next": .string()], required: ["items"])
                ))
        ) { request, principal in
            let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
            let limit = try request.integerQuery("limit", in: 1...500) ?? 100
            let scope = principal.isCentral ? nil : principal.organisationID
            let entries = try AuditTrail().entries(
                after: after, organisationID: scope, limit: Int(limit), in: database)
            let items = entries.map { entry in
                Entry(
                    sequence: entry.sequence, at: entry.at, actorID: entry.actorID,
                    actorOrganisationID: entry.actorOrganisationID, organisationID: entry.organisationID,
                    action: entry.action, objectType: entry.objectType, objectID: entry.objectID, before: entry.before,
                    after: entry.after, hash: entry.hash.map { String($0, radix: 16).leftPadded }.joined())
            }
            return try .json(Page(items: items, limit: limit) { String($0.sequence) })
        }
        api.add(
            .get, "/api/v1/audit/verification", summary: "Check the audit trail's hash chain",
            roles: [.centralAdministrator, .auditor],
            OpenAPIOperation(
                tag: "audit", id: "verifyAuditTrail",
                success: (
                    .ok,
                    .object(
                        [
                            "intact": .boolean, "firstBrokenSequence": .integer(minimum: 1),
                            "purgedThrough": .integer(minimum: 1),
                        ], required: ["intact"])
                ))
        ) { _, principal in
            guard principal.isCentral else {
                throw HTTPError(.forbidden, detail: "only the central unit can check the whole trail")
            }
            let result = try AuditTrail().verification(in: database)
            return try .json(
                Verification(
                    intact: result.intact, firstBrokenSequence: result.firstBrokenSequence,
                    purgedThrough: result.checkpoint?.throughSequence))
        }
    }
}

extension String {
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
