import Accounts
import Authorization
import HTTPServer
import Observability
import Storage

/// `/api/v1/recipients/:id/provider-changes`: the central administrator moves a recipient to
/// another provider from a given moment, and reads who served the recipient when.
///
/// From the change's moment the old provider's grants reach nothing for the recipient and the
/// old provider no longer sees it; the new provider sees it from then on. A provider reading the
/// history sees only its own periods: who served before or will serve after is not its business.
struct ProviderChangeRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// One period in which a provider served a recipient.
    struct ProviderPeriod: Codable, Equatable {
        var organisationID: String
        var from: Int64
        /// When the provider hands over; absent while no change is registered.
        var to: Int64?
    }

    /// A recipient's provider periods, oldest first.
    struct History: Codable {
        var items: [ProviderPeriod]
    }

    /// What a client sends to change a recipient's provider.
    struct ChangeRequest: Codable {
        /// The provider that takes over.
        var organisationID: String
        /// When it takes over; after the start of the recipient's latest provider period.
        var from: Int64
    }

    func register(in api: inout APIRouter) {
        api.define(
            "ProviderPeriod",
            .object(
                ["organisationID": .string(), "from": .integer(), "to": .integer()],
                required: ["organisationID", "from"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/recipients/:id/provider-changes", summary: "Move a recipient to another provider",
            roles: RecipientRoutes.writers,
            OpenAPIOperation(
                tag: "recipients", id: "changeRecipientProvider", headers: [Idempotency.parameter],
                body: .object(
                    ["organisationID": .string(minLength: 1), "from": APITime.schema],
                    required: ["organisationID", "from"], additional: true),
                success: (.created, .reference("ProviderPeriod")),
                errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.change($0, $1) })
        api.add(
            .get, "/api/v1/recipients/:id/provider-changes", summary: "Who served a recipient when",
            roles: RecipientRoutes.readers,
            OpenAPIOperation(
                tag: "recipients", id: "listRecipientProviders",
                success: (.ok, .object(["items": .array(.reference("ProviderPeriod"))], required: ["items"])),
                errors: [.notFound])
        ) { try routes.history($0, $1) }
    }

    private func change(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: RecipientID = try request.entityID("id", "recipient")
        let now = self.now()
        let store = AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: now) })
        let period = try database.write { connection in
            _ = try RecipientRoutes.find(id, scope: nil, now: now, connection)
            let body = try request.decode(ChangeRequest.self)
            var errors: [ProblemDetails.FieldError] = []
            let from = APITime.moment(body.from, field: "from", fallback: now, errors: &errors)
            try EmployeeRoutes.refuse(errors, "Invalid provider change")
            try RecipientRoutes.requireProvider(body.organisationID, connection)
            let before = try Self.periods(of: id, connection)
            do {
                try store.changeProvider(
                    of: id, to: body.organisationID, effective: WallTime(millisecondsSinceEpoch: from), in: connection)
            } catch let error as AccessError where error.code == .invalidPeriod {
                throw HTTPError(
                    .unprocessableContent, title: "Invalid provider change", detail: error.message,
                    errors: [.init(field: "from", message: "after the start of the recipient's latest provider period")]
                )
            }
            let after = try Self.periods(of: id, connection)
            // One entry per provider concerned, each holding only that provider's period, so
            // that each provider's auditors see their own side of the change and nothing more.
            let recorder = ChangeRecorder(principal: principal, now: self.now)
            if let ended = before.last, let closed = after.dropLast().last {
                try recorder.record(
                    "recipient.provider_change", "provider_period", id: id.decimal,
                    organisationID: ended.organisationID,
                    before: ended, after: closed, in: connection)
            }
            guard let started = after.last else { throw HTTPError(.notFound, detail: "there is no recipient \(id)") }
            try recorder.record(
                "recipient.provider_change", "provider_period", id: id.decimal, organisationID: started.organisationID,
                before: nil, after: started, in: connection)
            return started
        }
        return try .json(period, status: .created)
    }

    private func history(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: RecipientID = try request.entityID("id", "recipient")
        let now = self.now()
        let periods = try database.read { connection in
            _ = try RecipientRoutes.find(id, scope: principal.scope, now: now, connection)
            return try Self.periods(of: id, connection).filter { principal.mayRead(organisation: $0.organisationID) }
        }
        return try .json(History(items: periods))
    }

    /// Every provider period of the recipient, oldest first.
    private static func periods(of id: RecipientID, _ connection: any SQLConnection) throws -> [ProviderPeriod] {
        try connection.execute(
            """
            SELECT provider_id, valid_from, valid_to FROM recipient_providers
            WHERE recipient_id = $1 ORDER BY valid_from
            """, [.integer(id.rawValue)]
        ).map { row in
            ProviderPeriod(
                organisationID: try row.text("provider_id"), from: try row.integer("valid_from"),
                to: try row.optionalInteger("valid_to"))
        }
    }
}
