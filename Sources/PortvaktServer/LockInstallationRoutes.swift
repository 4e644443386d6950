import Accounts
import Authorization
import HTTPServer
import Observability
import Storage

/// Lock installations: the central unit records that a lock was fitted to a door, taken down,
/// or replaced by another after a fault.
///
/// Permissions belong to doors, so a replacement lock opens for exactly those who could open
/// the old one, from the moment of the replacement. A lock is named by its commissioned
/// identity, the 16 bytes the credential protocol calls `lockID`, written as 32 lowercase
/// hexadecimal digits.
struct LockInstallationRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// One lock's period on one door.
    struct Installation: Codable, Equatable {
        var id: String
        var lockID: String
        var doorID: String
        var installedAt: Int64
        /// When the lock comes down; absent while none is recorded.
        var removedAt: Int64?
    }

    /// What a client sends to fit a lock, or to replace one.
    struct FitRequest: Codable {
        var lockID: String
        /// When the lock was fitted; now by default.
        var at: Int64?
    }

    /// What a client sends to take a lock down.
    struct RemovalRequest: Codable {
        /// When the lock came down; now by default.
        var at: Int64?
    }

    /// A lock's identity as the API writes it.
    static let lockIDPattern = "^[0-9a-f]{32}$"

    func register(in api: inout APIRouter) {
        api.define(
            "LockInstallation",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "lockID": .string(), "doorID": .string(pattern: "^[0-9]+$"),
                    "installedAt": .integer(), "removedAt": .integer(),
                ], required: ["id", "lockID", "doorID", "installedAt"]))
        let fit = JSONSchema.object(
            ["lockID": .string(pattern: Self.lockIDPattern), "at": APITime.schema], required: ["lockID"],
            additional: true)

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/doors/:id/lock-installations", summary: "Record that a lock was fitted to a door",
            roles: BuildingRoutes.roles,
            OpenAPIOperation(
                tag: "buildings", id: "installLock", headers: [Idempotency.parameter], body: fit,
                success: (.created, .reference("LockInstallation")),
                errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.install($0, $1) })
        api.add(
            .post, "/api/v1/lock-installations/:id/removal", summary: "Record that a lock was taken down",
            roles: BuildingRoutes.roles,
            OpenAPIOperation(
                tag: "buildings", id: "removeLock",
                body: .object(["at": APITime.schema], required: [], additional: true),
                success: (.ok, .reference("LockInstallation")), errors: [.notFound, .conflict, .unprocessableContent])
        ) { try routes.remove($0, $1) }
        api.add(
            .post, "/api/v1/lock-installations/:id/replacement",
            summary: "Replace a lock with another on the same door, keeping the door's permissions",
            roles: BuildingRoutes.roles,
            OpenAPIOperation(
                tag: "buildings", id: "replaceLock", headers: [Idempotency.parameter], body: fit,
                success: (.created, .reference("LockInstallation")),
                errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.replace($0, $1) })
    }

    private func install(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let door: DoorID = try request.entityID("id", "door")
        let now = self.now()
        let installation = try database.write { connection in
            guard try connection.first("SELECT 1 FROM doors WHERE id = $1", [.integer(door.rawValue)]) != nil else {
                throw HTTPError(.notFound, detail: "there is no door \(door) you can see")
            }
            let (lockID, at) = try Self.validate(try request.decode(FitRequest.self), now: now)
            let id = try AccessStore(database: database).installLock(
                lockID, on: door, at: WallTime(millisecondsSinceEpoch: at), in: connection)
            let installation = try Self.find(id, connection)
            try recorder(principal).record(
                "lock.install", "lock_installation", id: installation.id, organisationID: principal.organisationID,
                before: nil, after: installation, in: connection)
            return installation
        }
        return try .json(installation, status: .created)
    }

    private func remove(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: LockInstallationID = try request.entityID("id", "lock installation")
        let now = self.now()
        let installation = try database.write { connection in
            let before = try Self.find(id, connection)
            let body = try request.decode(RemovalRequest.self)
            var errors: [ProblemDetails.FieldError] = []
            let at = APITime.moment(body.at, field: "at", fallback: now, errors: &errors)
            try EmployeeRoutes.refuse(errors, "Invalid removal")
            try Self.requireOpen(before, before: at)
            try AccessStore(database: database).removeLock(
                before.lockID, at: WallTime(millisecondsSinceEpoch: at), in: connection)
            let after = try Self.find(id, connection)
            try recorder(principal).record(
                "lock.remove", "lock_installation", id: after.id, organisationID: principal.organisationID,
                before: before, after: after, in: connection)
            return after
        }
        return try .json(installation)
    }

    private func replace(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: LockInstallationID = try request.entityID("id", "lock installation")
        let now = self.now()
        let installation = try database.write { connection in
            let before = try Self.find(id, connection)
            let (lockID, at) = try Self.validate(try request.decode(FitRequest.self), now: now)
            if lockID == before.lockID {
                throw Self.invalid("lockID", "the replacement must be another lock than \(lockID)")
            }
            try Self.requireOpen(before, before: at)
            let newID = try AccessStore(database: database).replaceLock(
                before.lockID, with: lockID, at: WallTime(millisecondsSinceEpoch: at), in: connection)
            let removed = try Self.find(id, connection)
            let installed = try Self.find(newID, connection)
            let recorder = recorder(principal)
            try recorder.record(
                "lock.replace", "lock_installation", id: removed.id, organisationID: principal.organisationID,
                before: before, after: removed, in: connection)
            try recorder.record(
                "lock.install", "lock_installation", id: installed.id, organisationID: principal.organisationID,
                before: nil, after: installed, in: connection)
            return installed
        }
        return try .json(installation, status: .created)
    }

    private func recorder(_ principal: Principal) -> ChangeRecorder {
        ChangeRecorder(principal: principal, now: now)
    }

    /// The lock id and moment of a fitting, or a 422 naming each invalid field.
    private static func validate(_ body: FitRequest, now: Int64) throws -> (String, Int64) {
        var errors: [ProblemDetails.FieldError] = []
        if !isLockID(body.lockID) {
            errors.append(
                .init(field: "lockID", message: "the lock's commissioned identity: 32 lowercase hexadecimal digits"))
        }
        let at = APITime.moment(body.at, field: "at", fallback: now, errors: &errors)
        try EmployeeRoutes.refuse(errors, "Invalid lock installation")
        return (body.lockID, at)
    }

    /// Refuses to end an installation that has ended already (409) or that starts at or after
    /// `time` (422).
    private static func requireOpen(_ installation: Installation, before time: Int64) throws {
        if installation.removedAt != nil {
            throw HTTPError(
                .conflict, detail: "lock \(installation.lockID) was already taken down from door \(installation.doorID)"
            )
        }
        if time <= installation.installedAt {
            let fitted = WallTime(millisecondsSinceEpoch: installation.installedAt).iso8601
            throw invalid("at", "a time after the lock was fitted, at \(fitted)")
        }
    }

    /// Whether `text` is a lock identity: 32 lowercase hexadecimal digits.
    static func isLockID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Reads one installation.
    static func find(_ id: LockInstallationID, _ connection: any SQLConnection) throws -> Installation {
        let row = try connection.first(
            "SELECT id, lock_id, door_id, installed_at, removed_at FROM lock_installations WHERE id = $1",
            [.integer(id.rawValue)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no lock installation \(id) you can see") }
        return try installation(row)
    }

    /// An installation from a row of `lock_installations`.
    static func installation(_ row: SQLRow) throws -> Installation {
        Installation(
            id: String(try row.integer("id")), lockID: try row.text("lock_id"),
            doorID: String(try row.integer("door_id")), installedAt: try row.integer("installed_at"),
            removedAt: try row.optionalInteger("removed_at"))
    }

    private static func invalid(_ field: String, _ message: String) -> HTTPError {
        HTTPError(
            .unprocessableContent, title: "Invalid lock installation", detail: message,
            errors: [.init(field: field, message: message)])
    }
}
