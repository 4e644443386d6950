import Accounts
import Audit
import HTTPServer
import Storage

/// `/api/v1/audit`: the audit trail, read page by page within the caller's scope, and its
/// integrity check.
struct AuditRoutes {
    let database: any Database

    /// One page of entries; `next` is the cursor for the following page, absent on the last.
    struct Page: Codable {
        var items: [Entry]
        var next: String?
    }

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
            let after = try Self.integer(request.query["after"], name: "after", range: 0...Int64.max) ?? 0
            let limit = try Self.integer(request.query["limit"], name: "limit", range: 1...500) ?? 100
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
            let next = items.count == Int(limit) ? items.last.map { String($0.sequence) } : nil
            return try .json(Page(items: items, next: next))
        }
        api.add(
            .get, "/api/v1/audit/verification", summary: "Check the audit trail's hash chain",
            roles: [.centralAdministrator, .auditor],
            OpenAPIOperation(
                tag: "audit", id: "verifyAuditTrail",
                success: (
                    .ok,
                    .object(
                        ["intact": .boolean, "firstBrokenSequence": .integer(minimum: 1)], required: ["intact"])
                ))
        ) { _, principal in
            guard principal.isCentral else {
                throw HTTPError(.forbidden, detail: "only the central unit can check the whole trail")
            }
            let broken = try AuditTrail().verify(in: database)
            return try .json(Verification(intact: broken == nil, firstBrokenSequence: broken))
        }
    }

    private static func integer(_ text: String?, name: String, range: ClosedRange<Int64>) throws -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw HTTPError(
                .badRequest, title: "Invalid query parameter",
                detail: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                errors: [.init(field: name, message: "a whole number from \(range.lowerBound) to \(range.upperBound)")])
        }
        return value
    }
}

extension String {
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
