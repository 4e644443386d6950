import Accounts
import EventLog
import HTTPServer
import Storage

/// `/api/v1/events` and `/api/v1/event-findings`: the door events keys carried up, and what the
/// checks found wrong with them.
///
/// Door events say where staff went, so they are for those whose job is to read logs: the
/// central administrator (all events) and auditors (events made with their own provider's
/// keys, on any lock). Findings are integrity and fault signals for the central unit.
struct EventRoutes {
    let database: any Database

    /// A door event as the API shows it.
    struct Event: Codable {
        var source: String
        var lockID: String
        var counter: Int64
        var time: Int64
        var kind: String
        var reason: String
        var detail: Int64
        /// The key that caused it; absent when the lock named no key or one the server does not know.
        var keyID: String?
        /// The protocol identity the lock recorded for the key, when it recorded one.
        var keyIdentity: String?
        /// False for a lock event not (yet) linked through the lock's hash chain to its first
        /// event: its time, kind and key may be forged.
        var confirmed: Bool
    }

    /// A finding as the API shows it.
    struct Finding: Codable {
        var id: String
        var kind: String
        var reason: String
        var lockID: String?
        var keyID: String?
        var sequence: Int64?
        var firstCounter: Int64?
        var lastCounter: Int64?
        var foundAt: Int64
        var resolvedAt: Int64?
    }

    static let eventReaders: Set<Role> = [.centralAdministrator, .auditor]
    static let findingReaders: Set<Role> = [.centralAdministrator, .centralOperator]

    func register(in api: inout APIRouter) {
        let hex32 = JSONSchema.string(pattern: "^[0-9a-f]{32}$")
        api.define(
            "DoorEvent",
            .object(
                [
                    "source": .string(values: DoorEvent.Source.allCases.map(\.rawValue)), "lockID": hex32,
                    "counter": .integer(minimum: 0), "time": .integer(minimum: 0),
                    "kind": .string(values: DoorEvent.kinds), "reason": .string(values: DoorEvent.reasons),
                    "detail": .integer(minimum: 0), "keyID": .string(pattern: "^[0-9]+$"), "keyIdentity": hex32,
                    "confirmed": .boolean,
                ], required: ["source", "lockID", "counter", "time", "kind", "reason", "detail", "confirmed"]))
        api.define(
            "EventFinding",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"),
                    "kind": .string(values: EventFinding.Kind.allCases.map(\.rawValue)),
                    "reason": .string(values: EventFinding.Reason.allCases.map(\.rawValue)), "lockID": hex32,
                    "keyID": .string(pattern: "^[0-9]+$"), "sequence": .integer(minimum: 0),
                    "firstCounter": .integer(minimum: 0), "lastCounter": .integer(minimum: 0), "foundAt": .integer(),
                    "resolvedAt": .integer(),
                ], required: ["id", "kind", "reason", "foundAt"]))

        let routes = self
        api.add(
            .get, "/api/v1/events", summary: "List door events", roles: Self.eventReaders,
            OpenAPIOperation(
                tag: "events", id: "listDoorEvents",
                query: [
                    .init(
                        "source", .string(values: DoorEvent.Source.allCases.map(\.rawValue)),
                        "whose log: the lock's (by default) or the key's own"),
                    .init("lock", hex32, "only this lock"),
                    .init("key", .integer(minimum: 1), "only events of this key"),
                    .init("from", .integer(minimum: 0), "only events at or after this time, ms since the epoch"),
                    .init("to", .integer(minimum: 0), "only events before this time, ms since the epoch"),
                    .init("after", .string(pattern: "^[0-9]{1,19}\\.[0-9]{1,19}$"), "the `next` cursor"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "events per page, 100 by default"),
                ],
                success: (
                    .ok,
                    .object(["items": .array(.reference("DoorEvent")), "next": .string()], required: ["items"])
                ))
        ) { try routes.events($0, $1) }
        api.add(
            .get, "/api/v1/event-findings", summary: "List what the event checks found", roles: Self.findingReaders,
            OpenAPIOperation(
                tag: "events", id: "listEventFindings",
                query: [
                    .init("kind", .string(values: EventFinding.Kind.allCases.map(\.rawValue)), "only this kind"),
                    .init("lock", hex32, "only findings about this lock"),
                    .init("open", .boolean, "true for findings not yet resolved only"),
                    .init("after", .integer(minimum: 0), "return findings after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "findings per page, 100 by default"),
                ],
                success: (
                    .ok,
                    .object(["items": .array(.reference("EventFinding")), "next": .string()], required: ["items"])
                ))
        ) { try routes.findings($0, $1) }
    }

    private func events(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        var filter = DoorEventFilter()
        if let source = request.query["source"] {
            guard let parsed = DoorEvent.Source(rawValue: source) else {
                throw Self.invalid("source", "lock or key")
            }
            filter.source = parsed
        }
        filter.lockID = try Self.lock(request)
        filter.keyID = try request.integerQuery("key", in: 1...Int64.max)
        filter.from = try request.integerQuery("from", in: 0...Int64.max)
        filter.to = try request.integerQuery("to", in: 0...Int64.max)
        if let after = request.query["after"] {
            guard let cursor = DoorEventCursor(after) else {
                throw Self.invalid("after", "the `next` value of the previous page")
            }
            filter.after = cursor
        }
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        filter.limit = Int(limit)
        let scope: EventScope = principal.isCentral ? .everything : .provider(principal.organisationID)

        let events = try database.read { try EventReader().doorEvents(filter, scope: scope, in: $0) }
        let next = events.count == Int(limit) ? events.last.map { DoorEventCursor(after: $0).text } : nil
        return try .json(APIPage(items: events.map(Self.event), next: next))
    }

    private func findings(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        guard principal.isCentral else {
            throw HTTPError(.forbidden, detail: "only the central unit reads event findings")
        }
        var filter = EventFindingFilter()
        if let kind = request.query["kind"] {
            guard let parsed = EventFinding.Kind(rawValue: kind) else {
                throw Self.invalid("kind", "gap, forgery or malformed")
            }
            filter.kind = parsed
        }
        filter.lockID = try Self.lock(request)
        filter.openOnly = try request.booleanQuery("open") ?? false
        filter.after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        filter.limit = Int(limit)

        let findings = try database.read { try EventReader().findings(filter, in: $0) }
        return try .json(APIPage(items: findings.map(Self.finding), limit: limit) { $0.id })
    }

    private static func lock(_ request: HTTPRequest) throws -> String? {
        guard let text = request.query["lock"] else { return nil }
        guard let lockID = LockIdentity.canonical(text) else {
            throw invalid("lock", "a lock identity of 32 hexadecimal characters")
        }
        return lockID
    }

    private static func invalid(_ name: String, _ expected: String) -> HTTPError {
        HTTPError(
            .badRequest, title: "Invalid query parameter", detail: "\(name) must be \(expected)",
            errors: [.init(field: name, message: expected)])
    }

    private static func event(_ event: DoorEvent) -> Event {
        Event(
            source: event.source.rawValue, lockID: event.lockID, counter: event.counter, time: event.time,
            kind: event.kind, reason: event.reason, detail: event.detail, keyID: event.keyID.map { String($0) },
            keyIdentity: event.keyIdentity, confirmed: event.confirmed)
    }

    private static func finding(_ finding: EventFinding) -> Finding {
        Finding(
            id: String(finding.id), kind: finding.kind.rawValue, reason: finding.reason.rawValue,
            lockID: finding.lockID, keyID: finding.keyID.map { String($0) }, sequence: finding.sequence,
            firstCounter: finding.firstCounter, lastCounter: finding.lastCounter, foundAt: finding.foundAt,
            resolvedAt: finding.resolvedAt)
    }
}
