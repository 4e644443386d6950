import Accounts
import Authorization
import HTTPServer
import Observability
import Storage

/// `POST /api/v1/recipients/:id/moves`: the central administrator records that a recipient
/// moves out of some apartment doors and into others at one moment.
///
/// One resource covers every change of home: moving in (`moveInto` only), moving house (both),
/// a second door to the same home (`moveInto` while living behind the first), and the end of
/// care or a move away from the city (`moveOutOf` every door). Access through a door, and
/// through its building's entrances on its account, follows the move at that moment.
// Known limitation: the end of care leaves the provider period open, so the provider still
// sees the alarm code, without a home; see docs/limitations.md.
struct MoveRoute {
    let database: any Database
    let now: @Sendable () -> Int64

    /// What a client sends.
    struct MoveRequest: Codable {
        /// When the move happens; now by default.
        var at: Int64?
        /// Apartment doors the recipient stops living behind.
        var moveOutOf: [String]?
        /// Apartment doors the recipient starts living behind.
        var moveInto: [String]?
    }

    /// A recorded move, with the recipient's homes afterwards.
    struct Move: Codable {
        var recipientID: String
        var at: Int64
        var moveOutOf: [String]
        var moveInto: [String]
        /// The recipient's homes now and to come, after the move.
        var homes: [RecipientRoutes.Home]
    }

    /// The homes around a move, as the audit trail records them before and after.
    private struct Homes: Encodable {
        var homes: [RecipientRoutes.Home]
    }

    /// The most doors one move may name on each side; a home has one or two.
    static let maxDoors = 8

    func register(in api: inout APIRouter) {
        let doors = JSONSchema.array(.string(pattern: "^[0-9]+$"), maxItems: Self.maxDoors)
        api.define(
            "Move",
            .object(
                [
                    "recipientID": .string(pattern: "^[0-9]+$"), "at": .integer(),
                    "moveOutOf": .array(.string(pattern: "^[0-9]+$")), "moveInto": .array(.string(pattern: "^[0-9]+$")),
                    "homes": .array(.reference("Home")),
                ], required: ["recipientID", "at", "moveOutOf", "moveInto", "homes"]))
        let route = self
        api.add(
            .post, "/api/v1/recipients/:id/moves", summary: "Move a recipient into or out of apartment doors",
            roles: RecipientRoutes.writers,
            OpenAPIOperation(
                tag: "recipients", id: "moveRecipient", headers: [Idempotency.parameter],
                body: .object(
                    ["at": APITime.schema, "moveOutOf": doors, "moveInto": doors], required: [], additional: true),
                success: (.created, .reference("Move")), errors: [.notFound, .conflict, .unprocessableContent]),
            handler: Idempotency(database: database, now: now).wrap { try route.move($0, $1) })
    }

    private func move(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: RecipientID = try request.entityID("id", "recipient")
        let now = self.now()
        let store = AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: now) })
        let move = try database.write { connection in
            _ = try RecipientRoutes.find(id, scope: nil, now: now, connection)
            let body = try request.decode(MoveRequest.self)
            var errors: [ProblemDetails.FieldError] = []
            let at = APITime.moment(body.at, field: "at", fallback: now, errors: &errors)
            let out = Self.doors(body.moveOutOf ?? [], field: "moveOutOf", &errors)
            let into = Self.doors(body.moveInto ?? [], field: "moveInto", &errors)
            if out.isEmpty && into.isEmpty && errors.isEmpty {
                errors.append(.init(field: "moveInto", message: "name at least one door to move into or out of"))
            }
            if !Set(out).isDisjoint(with: into) {
                errors.append(.init(field: "moveInto", message: "a door cannot be left and entered in one move"))
            }
            try EmployeeRoutes.refuse(errors, "Invalid move")

            let before = try RecipientRoutes.homes(
                from: id.rawValue, through: id.rawValue, endingAfter: at - 1, connection)
            let time = WallTime(millisecondsSinceEpoch: at)
            for door in out {
                do {
                    try store.moveOut(id, door: door, at: time, in: connection)
                } catch let error as AccessError where error.code == .notFound {
                    throw Self.invalid(
                        "moveOutOf", "recipient \(id) does not live behind door \(door) before that time")
                }
            }
            for door in into {
                do {
                    try store.moveIn(id, door: door, from: time, in: connection)
                } catch let error as AccessError where error.code == .notFound || error.code == .wrongDoorKind {
                    throw Self.invalid("moveInto", error.message)
                }
            }
            let around = try RecipientRoutes.homes(
                from: id.rawValue, through: id.rawValue, endingAfter: at - 1, connection)
            try ChangeRecorder(principal: principal, now: self.now).record(
                "recipient.move", "recipient", id: id.decimal,
                organisationID: try Self.provider(of: id, at: now, connection) ?? principal.organisationID,
                before: Homes(homes: before[id.rawValue] ?? []), after: Homes(homes: around[id.rawValue] ?? []),
                in: connection)
            let homes = try RecipientRoutes.homes(from: id.rawValue, through: id.rawValue, endingAfter: now, connection)
            return Move(
                recipientID: id.decimal, at: at, moveOutOf: out.map(\.decimal), moveInto: into.map(\.decimal),
                homes: homes[id.rawValue] ?? [])
        }
        return try .json(move, status: .created)
    }

    /// The door ids in `texts`, each once; invalid ones are reported in `errors`.
    private static func doors(_ texts: [String], field: String, _ errors: inout [ProblemDetails.FieldError])
        -> [DoorID]
    {
        guard texts.count <= maxDoors else {
            errors.append(.init(field: field, message: "at most \(maxDoors) doors in one move"))
            return []
        }
        var doors: [DoorID] = []
        for text in texts {
            guard let door = DoorID(decimal: text) else {
                errors.append(.init(field: field, message: "door ids are positive whole numbers, not \(text)"))
                continue
            }
            if !doors.contains(door) { doors.append(door) }
        }
        return doors
    }

    /// The provider the audit entry belongs to: the one serving now, or else the one whose
    /// period is open (the first, for a recipient whose service has not started).
    private static func provider(of id: RecipientID, at now: Int64, _ connection: any SQLConnection) throws -> String? {
        let row = try connection.first(
            """
            SELECT provider_id FROM recipient_providers
            WHERE recipient_id = $1 AND (valid_to IS NULL OR valid_to > $2) ORDER BY valid_from LIMIT 1
            """, [.integer(id.rawValue), .integer(now)])
        return try row?.text("provider_id")
    }

    private static func invalid(_ field: String, _ message: String) -> HTTPError {
        HTTPError(
            .unprocessableContent, title: "Invalid move", detail: message,
            errors: [.init(field: field, message: message)])
    }
}
