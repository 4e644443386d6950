import Accounts
import Audit
import Authorization
import HTTPServer
import Storage

/// `GET /api/v1/recipient-export?alarmCode=…`: everything the access model holds about one
/// care recipient, for a data subject access request. Only the central unit, which answers
/// such requests, may read it, and every export is recorded in the audit trail.
struct RecipientExportRoute {
    let database: any Database
    let now: @Sendable () -> Int64

    /// What the recorded audit entry says was exported.
    private struct Exported: Encodable {
        var alarmCode: String
        var homes: Int
        var grants: Int
    }

    func register(in api: inout APIRouter) {
        let period = JSONSchema.object(
            ["provider": .string(), "from": .integer(), "to": .integer()], required: ["provider", "from"])
        let installation = JSONSchema.object(
            ["lockID": .string(), "installedAt": .integer(), "removedAt": .integer()],
            required: ["lockID", "installedAt"])
        let home = JSONSchema.object(
            [
                "address": .string(), "door": .string(), "from": .integer(), "to": .integer(),
                "locks": .array(installation),
            ], required: ["address", "door", "from", "locks"])
        let grant = JSONSchema.object(
            [
                "id": .integer(), "provider": .string(), "subject": .string(values: ["employee", "team", "all_staff"]),
                "subjectID": .integer(), "target": .string(values: ["recipient", "all_recipients"]),
                "from": .integer(), "to": .integer(), "schedule": .string(),
            ], required: ["id", "provider", "subject", "target", "from"])
        let emergency = JSONSchema.object(
            ["id": .integer(), "employeeID": .integer(), "from": .integer(), "to": .integer(), "reason": .string()],
            required: ["id", "employeeID", "from", "to", "reason"])
        api.define(
            "RecipientExport",
            .object(
                [
                    "alarmCode": .string(), "registeredAt": .integer(), "providers": .array(period),
                    "homes": .array(home), "grants": .array(grant), "emergencyGrants": .array(emergency),
                ], required: ["alarmCode", "registeredAt", "providers", "homes", "grants", "emergencyGrants"]))

        let database = self.database
        let now = self.now
        api.add(
            .get, "/api/v1/recipient-export", summary: "Export everything held about one care recipient",
            roles: [.centralAdministrator],
            OpenAPIOperation(
                tag: "data protection", id: "exportRecipient",
                query: [
                    .init("alarmCode", .string(minLength: 1, maxLength: 64), "the recipient's alarm code (required)")
                ],
                success: (.ok, .reference("RecipientExport")), errors: [.notFound])
        ) { request, principal in
            guard let alarmCode = request.query["alarmCode"], (1...64).contains(alarmCode.schemaLength) else {
                throw HTTPError(
                    .badRequest, title: "Invalid query parameter", detail: "give the alarm code as alarmCode",
                    errors: [.init(field: "alarmCode", message: "the recipient's alarm code, 1 to 64 characters")])
            }
            guard let export = try AccessStore(database: database).exportRecipient(alarmCode: alarmCode) else {
                throw HTTPError(.notFound, detail: "no recipient has this alarm code")
            }
            try database.write { connection in
                try ChangeRecorder(principal: principal, now: now).record(
                    "recipient.export", "recipient", id: alarmCode, organisationID: principal.organisationID,
                    before: nil as Exported?,
                    after: Exported(alarmCode: alarmCode, homes: export.homes.count, grants: export.grants.count),
                    in: connection)
            }
            return try .json(export)
        }
    }
}
