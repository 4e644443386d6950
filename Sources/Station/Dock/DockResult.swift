import Foundation
import StationLink

/// What the employee is told at the end of a dock: the key is ready for the shift, or why not and
/// whom to ask.
public enum DockResult: Equatable, Sendable {
    /// The key holds a credential for `doors` doors until `validUntil` (Unix seconds).
    case ready(doors: Int, validUntil: UInt64)
    /// The key holds no usable credential.
    case notReady(NotReadyReason)

    /// Whether the key can open doors now.
    public var isReady: Bool {
        if case .ready = self { true } else { false }
    }

    /// The line shown to the employee, with times in `timeZone` (the office's), for example
    /// `ready: 212 doors, valid until 22:00` or
    /// `not ready: key reported lost. Contact the central unit.`
    public func displayText(timeZone: TimeZone = .current, now: UInt64) -> String {
        switch self {
        case .ready(let doors, let validUntil):
            let noun = doors == 1 ? "door" : "doors"
            return "ready: \(doors) \(noun), valid until \(Self.clockTime(validUntil, now: now, timeZone: timeZone))"
        case .notReady(let reason):
            return "not ready: \(reason.explanation)"
        }
    }

    /// `22:00` when `time` falls on the same local day as `now`, otherwise `2026-03-04 06:00`.
    static func clockTime(_ time: UInt64, now: UInt64, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let clock = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        if calendar.isDate(date, inSameDayAs: Date(timeIntervalSince1970: TimeInterval(now))) { return clock }
        return String(format: "%04d-%02d-%02d ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) + clock
    }
}

/// Why a docked key is not ready, each with the sentence the employee reads.
public enum NotReadyReason: Equatable, Sendable {
    /// The server refused an activation; see ``RefusalReason``.
    case refused(RefusalReason)
    /// The server could not be reached and no credential prepared in advance is valid now.
    case serverUnreachable
    /// The server answered, but not with a usable credential, and none prepared in advance is
    /// valid now.
    case serverFailed
    /// The key rejected the credential it was given.
    case keyRejectedCredential
    /// The session with the key broke off.
    case sessionFailed

    /// What the employee reads after `not ready: `.
    public var explanation: String {
        switch self {
        case .refused(let reason): reason.explanation
        case .serverUnreachable:
            "the server cannot be reached and no credential was prepared for this key. "
                + "Dock again in a few minutes; if it persists, contact the central unit."
        case .serverFailed:
            "the server could not prepare a credential for this key. Contact the central unit."
        case .keyRejectedCredential:
            "the key did not accept its credential. Dock it again; if it repeats, contact the central unit."
        case .sessionFailed: "the dock lost contact with the key. Dock it again."
        }
    }
}

extension RefusalReason {
    /// The sentence the employee reads, naming whom to contact.
    public var explanation: String {
        switch self {
        case .keyUnknown: "this key is not registered for this office. Contact your provider administrator."
        case .keyBlocked: "key reported lost. Contact the central unit."
        case .keyNotAssigned: "this key is not assigned to anyone. Contact your provider administrator."
        case .noPermissions: "no doors are planned for you this shift. Contact your planner."
        case .overCapacity: "more than 4,000 doors are planned for you. Contact your planner."
        case .batteryLow: "the battery is low. Charge or replace the key, then dock it again."
        }
    }
}
