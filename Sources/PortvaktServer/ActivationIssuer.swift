import Authorization
import CredentialIssuer
import Foundation
import HTTPServer
import Observability
import PortvaktProtocol
import StationLink
import Storage

/// Decides whether a docked key gets a credential for a shift and builds its Activation: the
/// key's effective permissions, mapped to the protocol's, signed with the issuer key, with the
/// issuer's event key and current revocation list (docs/station.md §5).
struct ActivationIssuer {
    let database: any Database
    let keys: ServerKeys
    let timeZone: TimeZone
    let now: @Sendable () -> Int64
    let logger: Logger

    /// Below this battery level a key is not activated: it may not last the shift.
    static let minimumBattery = 10
    /// The longest shift a credential covers, in milliseconds.
    static let longestShift = Int64(RevocationListSource.maxCredentialLifetime) * 1000
    /// The shift asked for when a request names no end: twelve hours.
    static let defaultShift: Int64 = 12 * 3600 * 1000

    /// A key of the station's provider as the activation needs it.
    struct KeyState {
        let id: Int64
        let serial: String
        let status: String
        let assigned: Bool
        let publicKey: [UInt8]?
        let batteryPercent: Int?
    }

    /// What the key gets.
    enum Outcome {
        case ready(activation: [UInt8], doorCount: Int, validUntil: Int64)
        case refused(RefusalReason, String)
    }

    /// The key with `serial` of `organisationID`, or `nil` when the provider has no such key.
    static func key(serial: String, organisationID: String, _ connection: any SQLConnection) throws -> KeyState? {
        let row = try connection.first(
            """
            SELECT k.id, k.serial, k.status, e.active AS employee_active, p.public_key, p.battery_percent
            FROM keys k LEFT JOIN employees e ON e.id = k.employee_id LEFT JOIN key_public_keys p ON p.key_id = k.id
            WHERE k.serial = $1 AND k.provider_id = $2
            """, [.text(serial), .text(organisationID)])
        guard let row else { return nil }
        return KeyState(
            id: try row.integer("id"), serial: try row.text("serial"), status: try row.text("status"),
            assigned: try row.optionalInteger("employee_active") == 1,
            publicKey: row["public_key"].flatMap { if case .blob(let bytes) = $0 { bytes } else { nil } },
            batteryPercent: try row.optionalInteger("battery_percent").map { Int($0) })
    }

    /// Checks a requested shift: an end after the start, at most 16 hours long, starting no more
    /// than one shift ago and no more than a week ahead.
    /// - Throws: `HTTPError` 422 naming the field.
    func validateShift(start: Int64, end: Int64) throws {
        let time = now()
        var errors: [ProblemDetails.FieldError] = []
        if start < time - Self.longestShift || start > time + 7 * 24 * 3600 * 1000 {
            errors.append(.init(field: "shiftStart", message: "a time from 16 hours ago to a week ahead"))
        }
        if end <= start || end - start > Self.longestShift {
            errors.append(.init(field: "shiftEnd", message: "after shiftStart and at most 16 hours after it"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid shift")
    }

    /// The outcome for `key` over `[start, end)`, with `list` as the revocation list to carry.
    func activation(
        for key: KeyState?, shift start: Int64, _ end: Int64, batteryPercent: Int?, list: RevocationList
    ) throws -> Outcome {
        guard let key, let publicKey = key.publicKey else {
            return .refused(.keyUnknown, "this key is not known for your provider.")
        }
        switch key.status {
        case "lost": return .refused(.keyBlocked, "this key was reported lost.")
        case "retired": return .refused(.keyBlocked, "this key was taken out of service.")
        default: break
        }
        guard key.assigned else { return .refused(.keyNotAssigned, "this key is not handed to anyone who works now.") }

        let period = Period(start: WallTime(millisecondsSinceEpoch: start), end: WallTime(millisecondsSinceEpoch: end))
        let effective = try AccessStore(database: database).effectivePermissions(
            of: Authorization.KeyID(key.id), during: period)
        guard effective.fitsOnKey else {
            return .refused(.overCapacity, "the key would need \(effective.lockCount) doors; it holds 4,000.")
        }
        let mapping = CredentialPermissions(timeZone: timeZone)
        let mapped = mapping.map(effective)
        if !mapped.unusableLockIDs.isEmpty {
            logger.warning(
                "locks left out of a credential: their ids are not 16 bytes in hex",
                ["access.key_id": .int(Int(key.id)), "lock.count": .int(mapped.unusableLockIDs.count)])
        }
        guard !mapped.permissions.isEmpty else {
            return .refused(.noPermissions, "you may open no door during this shift.")
        }
        // Last: an employee with no doors should hear that before being sent to charge the key.
        if let battery = batteryPercent ?? key.batteryPercent, battery < Self.minimumBattery {
            return .refused(.batteryLow, "the key's battery is at \(battery) %; charge or replace it.")
        }

        let issuer = CredentialIssuer(
            signingKey: keys.issuer, maxLifetime: RevocationListSource.maxCredentialLifetime)
        let request = CredentialRequest(
            keyPublicKey: publicKey, issuedAt: UInt64(now() / 1000), validFrom: UInt64(start / 1000),
            validUntil: UInt64(end / 1000), utcOffsetMinutes: mapping.utcOffsetMinutes(at: start),
            revocationVersion: list.version, permissions: mapped.permissions)
        let issued: IssuedCredential
        do {
            issued = try issuer.issue(request)
        } catch {
            if case .tooManyPermissions = error {
                return .refused(.overCapacity, "the key would need more than 4,000 permissions; it holds 4,000.")
            }
            throw HTTPError(.unprocessableContent, title: "Cannot issue", detail: error.description)
        }
        let activation = issued.activation(eventRecipient: keys.event.publicKey, revocationLists: [list])
        return .ready(
            activation: activation, doorCount: mapped.doorCount, validUntil: Int64(issued.credential.validUntil) * 1000)
    }
}
