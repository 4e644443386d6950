import Accounts
import Authorization
import HTTPServer
import Observability
import Storage

/// `/api/v1/recipients`: the central administrator registers care recipients by alarm code;
/// the central unit reads them all, and a provider's staff roles read the recipients the
/// provider serves now, with their homes.
///
/// A recipient is an alarm code and nothing else: no name, no personal identity number, no
/// free text. Another provider's recipient, or a former one, answers 404 exactly as a missing
/// one, so a provider cannot learn which alarm codes exist.
struct RecipientRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// A recipient as the API shows it.
    struct Recipient: Codable, Equatable {
        var id: String
        var alarmCode: String
        /// The provider serving the recipient now; absent before the first provider period starts.
        var organisationID: String?
        /// The homes the recipient lives in now or will move into, oldest first.
        var homes: [Home]
    }

    /// An apartment door a recipient lives behind, with its building's address.
    struct Home: Codable, Equatable {
        var doorID: String
        var buildingID: String
        var address: String
        var label: String
        var from: Int64
        /// When the recipient moves out; absent while no move-out is recorded.
        var to: Int64?
    }

    /// What a client sends to register a recipient.
    struct CreateRequest: Codable {
        var alarmCode: String
        /// The provider that serves the recipient from `from`.
        var organisationID: String
        /// When the provider's service starts; now by default.
        var from: Int64?
    }

    /// A page of recipients.
    typealias Page = APIPage<Recipient>

    static let writers: Set<Role> = [.centralAdministrator]
    // Central operators install locks by door and address; they have no need of alarm codes.
    static let readers: Set<Role> = [.centralAdministrator, .providerAdministrator, .planner, .auditor]
    /// Alarm codes as the safety-alarm system writes them: letters, digits and hyphens.
    static let alarmCodePattern = "^[0-9A-Za-z-]{1,64}$"

    func register(in api: inout APIRouter) {
        api.define(
            "Home",
            .object(
                [
                    "doorID": .string(pattern: "^[0-9]+$"), "buildingID": .string(pattern: "^[0-9]+$"),
                    "address": .string(), "label": .string(), "from": .integer(), "to": .integer(),
                ], required: ["doorID", "buildingID", "address", "label", "from"]))
        api.define(
            "Recipient",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "alarmCode": .string(), "organisationID": .string(),
                    "homes": .array(.reference("Home")),
                ], required: ["id", "alarmCode", "homes"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/recipients", summary: "Register a care recipient by alarm code", roles: Self.writers,
            OpenAPIOperation(
                tag: "recipients", id: "createRecipient", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "alarmCode": .string(pattern: Self.alarmCodePattern), "organisationID": .string(minLength: 1),
                        "from": APITime.schema,
                    ], required: ["alarmCode", "organisationID"], additional: true),
                success: (.created, .reference("Recipient")), errors: [.conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/recipients", summary: "List care recipients", roles: Self.readers,
            OpenAPIOperation(
                tag: "recipients", id: "listRecipients",
                query: [
                    .init(
                        "organisation", .string(),
                        "the provider serving now; the caller's own, or all for the central unit"),
                    .init("alarmCode", .string(pattern: Self.alarmCodePattern), "only the recipient with this code"),
                    .init("after", .integer(minimum: 0), "return recipients after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "recipients per page, 100 by default"),
                ],
                success: (
                    .ok, .object(["items": .array(.reference("Recipient")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/recipients/:id", summary: "Read a care recipient and their homes", roles: Self.readers,
            OpenAPIOperation(
                tag: "recipients", id: "getRecipient", success: (.ok, .reference("Recipient")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        ProviderChangeRoutes(database: database, now: now).register(in: &api)
        MoveRoute(database: database, now: now).register(in: &api)
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let now = self.now()
        var errors: [ProblemDetails.FieldError] = []
        if !Self.isAlarmCode(body.alarmCode) {
            errors.append(
                .init(field: "alarmCode", message: "the safety alarm's code: 1 to 64 letters, digits or hyphens"))
        }
        let from = APITime.moment(body.from, field: "from", fallback: now, errors: &errors)
        try EmployeeRoutes.refuse(errors, "Invalid recipient")

        let store = AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: now) })
        let recipient = try database.write { connection in
            try Self.requireProvider(body.organisationID, connection)
            let id = try store.registerRecipient(
                alarmCode: body.alarmCode, provider: body.organisationID, from: WallTime(millisecondsSinceEpoch: from),
                in: connection)
            let recipient = try Self.find(id, scope: nil, now: now, connection)
            try ChangeRecorder(principal: principal, now: self.now).record(
                "recipient.create", "recipient", id: recipient.id, organisationID: body.organisationID, before: nil,
                after: recipient, in: connection)
            return recipient
        }
        return try .json(recipient, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let alarmCode = request.query["alarmCode"]
        if let alarmCode, !Self.isAlarmCode(alarmCode) {
            throw HTTPError(
                .badRequest, title: "Invalid query parameter", detail: "alarmCode must be an alarm code",
                errors: [.init(field: "alarmCode", message: "1 to 64 letters, digits or hyphens")])
        }
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let now = self.now()
        // With a provider named, an inner join lets the database walk that provider's periods
        // rather than every recipient.
        let join = organisationID == nil ? "LEFT JOIN" : "JOIN"
        let items = try database.read { connection in
            let rows = try connection.execute(
                """
                SELECT r.id, r.alarm_code, p.provider_id, p.valid_to FROM recipients r
                \(join) recipient_providers p
                    ON p.recipient_id = r.id AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to > $2)
                WHERE r.id > $1 AND (CAST($3 AS TEXT) IS NULL OR p.provider_id = $3)
                    AND (CAST($4 AS TEXT) IS NULL OR r.alarm_code = $4)
                ORDER BY r.id LIMIT $5
                """, [.integer(after), .integer(now), .text(organisationID), .text(alarmCode), .integer(limit)])
            guard let first = rows.first, let last = rows.last else { return [Recipient]() }
            let homes = try Self.homes(
                from: try first.integer("id"), through: try last.integer("id"), endingAfter: now, connection)
            return try rows.map { row in
                try Self.recipient(row, homes: homes, scoped: principal.scope != nil)
            }
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: RecipientID = try request.entityID("id", "recipient")
        let now = self.now()
        return try .json(try database.read { try Self.find(id, scope: principal.scope, now: now, $0) })
    }

    /// Reads a recipient within `scope` at `now`: the central unit (no scope) sees every
    /// recipient; a provider sees only those it serves at `now`, and of their homes only those
    /// that begin before its service ends. Anything else is as missing as a recipient never
    /// registered.
    static func find(_ id: RecipientID, scope: String?, now: Int64, _ connection: any SQLConnection) throws
        -> Recipient
    {
        let row = try connection.first(
            """
            SELECT r.id, r.alarm_code, p.provider_id, p.valid_to FROM recipients r
            LEFT JOIN recipient_providers p
                ON p.recipient_id = r.id AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to > $2)
            WHERE r.id = $1 AND (CAST($3 AS TEXT) IS NULL OR p.provider_id = $3)
            """, [.integer(id.rawValue), .integer(now), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no recipient \(id) you can see") }
        let homes = try homes(from: id.rawValue, through: id.rawValue, endingAfter: now, connection)
        return try recipient(row, homes: homes, scoped: scope != nil)
    }

    /// The homes of the recipients with ids in `first...last` that have not ended by `time`,
    /// by recipient id.
    static func homes(from first: Int64, through last: Int64, endingAfter time: Int64, _ connection: any SQLConnection)
        throws -> [Int64: [Home]]
    {
        let rows = try connection.execute(
            """
            SELECT o.recipient_id, o.door_id, d.building_id, b.address, d.label, o.valid_from, o.valid_to
            FROM occupancies o JOIN doors d ON d.id = o.door_id JOIN buildings b ON b.id = d.building_id
            WHERE o.recipient_id >= $1 AND o.recipient_id <= $2 AND (o.valid_to IS NULL OR o.valid_to > $3)
            ORDER BY o.recipient_id, o.valid_from, o.door_id
            """, [.integer(first), .integer(last), .integer(time)])
        var homes: [Int64: [Home]] = [:]
        for row in rows {
            homes[try row.integer("recipient_id"), default: []].append(
                Home(
                    doorID: String(try row.integer("door_id")), buildingID: String(try row.integer("building_id")),
                    address: try row.text("address"), label: try row.text("label"), from: try row.integer("valid_from"),
                    to: try row.optionalInteger("valid_to")))
        }
        return homes
    }

    /// Checks that `organisationID`, named in a request body, is a care provider.
    /// - Throws: `HTTPError` 422 naming the field otherwise.
    static func requireProvider(_ organisationID: String, _ connection: any SQLConnection) throws {
        let row = try connection.first("SELECT kind FROM organisations WHERE id = $1", [.text(organisationID)])
        guard try row?.text("kind") == AccessStore.OrganisationKind.provider.rawValue else {
            let message = "the id of a care provider"
            throw HTTPError(
                .unprocessableContent, title: "Invalid organisation",
                detail: "there is no care provider \(organisationID)",
                errors: [.init(field: "organisationID", message: message)])
        }
    }

    /// Whether `text` looks like an alarm code, as the OpenAPI pattern says.
    static func isAlarmCode(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2D
            }
    }

    /// A recipient from a row of `recipients` joined with its current provider period. For a
    /// provider, homes beginning after its service ends are left out: it will not visit them.
    private static func recipient(_ row: SQLRow, homes: [Int64: [Home]], scoped: Bool) throws -> Recipient {
        let id = try row.integer("id")
        let serviceEnds = try row.optionalInteger("valid_to")
        var shown = homes[id] ?? []
        if scoped, let serviceEnds { shown.removeAll { $0.from >= serviceEnds } }
        return Recipient(
            id: String(id), alarmCode: try row.text("alarm_code"), organisationID: try row.optionalText("provider_id"),
            homes: shown)
    }
}
