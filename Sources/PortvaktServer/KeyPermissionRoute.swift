import Accounts
import Authorization
import HTTPServer
import Observability
import Storage

/// `GET /api/v1/keys/:id/permissions`: the locks a key may open during a shift, as the sync
/// station would load them, for the key's provider's administrators and planners and the
/// central unit.
struct KeyPermissionRoute {
    let database: any Database
    let now: @Sendable () -> Int64

    /// The longest period one request may ask about: a shift and some slack.
    static let longestPeriod: Int64 = 16 * 3600 * 1000
    /// The period asked about when the client names none: the next twelve hours.
    static let defaultPeriod: Int64 = 12 * 3600 * 1000

    /// A key's permissions for a period.
    struct Permissions: Codable {
        var keyID: String
        var from: Int64
        var to: Int64
        var count: Int
        var fitsOnKey: Bool
        var overCapacityMessage: String?
        var permissions: [Lock]
    }

    /// One lock and the windows in which the key may open it.
    struct Lock: Codable {
        var lockID: String
        var windows: [Window]
    }

    /// A window; without `schedule` the lock may be opened at any time inside it.
    struct Window: Codable {
        var start: Int64
        var end: Int64
        var schedule: [Interval]?
    }

    /// Minutes `start ..< end` of a weekday, 0 = Monday, in the lock's local time.
    struct Interval: Codable {
        var day: Int
        var start: Int
        var end: Int
    }

    static let readers: Set<Role> = [.centralAdministrator, .centralOperator, .providerAdministrator, .planner]

    func register(in api: inout APIRouter) {
        let interval = JSONSchema.object(
            [
                "day": .integer(minimum: 0, maximum: 6), "start": .integer(minimum: 0, maximum: 1440),
                "end": .integer(minimum: 0, maximum: 1440),
            ], required: ["day", "start", "end"])
        let window = JSONSchema.object(
            ["start": .integer(), "end": .integer(), "schedule": .array(interval)], required: ["start", "end"])
        let lock = JSONSchema.object(
            ["lockID": .string(), "windows": .array(window)], required: ["lockID", "windows"])
        let route = self
        api.add(
            .get, "/api/v1/keys/:id/permissions", summary: "A key's effective permissions for a shift",
            roles: Self.readers,
            OpenAPIOperation(
                tag: "keys", id: "getKeyPermissions",
                query: [
                    .init("from", .integer(minimum: 0), "start, ms since the epoch; now by default"),
                    .init("to", .integer(minimum: 0), "end, ms since the epoch, at most 16 hours after from"),
                ],
                success: (
                    .ok,
                    .object(
                        [
                            "keyID": .string(), "from": .integer(), "to": .integer(), "count": .integer(minimum: 0),
                            "fitsOnKey": .boolean, "overCapacityMessage": .string(), "permissions": .array(lock),
                        ], required: ["keyID", "from", "to", "count", "fitsOnKey", "permissions"])
                ), errors: [.notFound, .unprocessableContent])
        ) { try route.permissions($0, $1) }
    }

    private func permissions(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: KeyID = try request.entityID("id", "key")
        let from = try request.integerQuery("from", in: 0...(Int64.max / 2)) ?? now()
        let to = try request.integerQuery("to", in: 0...Int64.max) ?? from + Self.defaultPeriod
        guard to > from, to - from <= Self.longestPeriod else {
            let message = "to must be after from and at most 16 hours after it"
            throw HTTPError(
                .unprocessableContent, title: "Invalid period", detail: message,
                errors: [.init(field: "to", message: message)])
        }
        _ = try database.read { try KeyRoutes.find(id, scope: principal.scope, $0) }

        let period = Period(
            start: WallTime(millisecondsSinceEpoch: from), end: WallTime(millisecondsSinceEpoch: to))
        let effective = try AccessStore(database: database).effectivePermissions(of: id, during: period)
        let locks = effective.permissions.map { permission in
            Lock(
                lockID: permission.lockID,
                windows: permission.windows.map { window in
                    Window(
                        start: window.start.millisecondsSinceEpoch, end: window.end.millisecondsSinceEpoch,
                        schedule: window.schedule?.intervals.map { Interval(day: $0.day, start: $0.start, end: $0.end) }
                    )
                })
        }
        return try .json(
            Permissions(
                keyID: String(id.rawValue), from: from, to: to, count: effective.lockCount,
                fitsOnKey: effective.fitsOnKey, overCapacityMessage: effective.overCapacityMessage, permissions: locks))
    }
}
