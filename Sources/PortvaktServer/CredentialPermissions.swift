import Authorization
import Foundation
import Observability
import PortvaktProtocol

/// Turns a key's effective permissions for a shift into the protocol's permissions (protocol
/// §3.1), the form a credential carries.
///
/// A window that spans the whole shift without a schedule becomes `always`. Anything narrower
/// becomes visit windows in absolute time: a plain window is one visit, and a weekly schedule
/// is unrolled over the window's local days, one visit per scheduled stretch. A shift lasts at
/// most 16 hours, so this stays small, and absolute times are exact across a change to or from
/// daylight saving time, which the credential's single UTC offset is not.
struct CredentialPermissions {
    /// The zone in which schedules' minutes are read.
    let timeZone: TimeZone

    /// The permissions, and how many doors they open.
    struct Result {
        var permissions: [Permission]
        var doorCount: Int
        /// Locks whose ids are not the protocol's 16 bytes in hex, left out.
        var unusableLockIDs: [String]
    }

    func map(_ effective: EffectivePermissions) -> Result {
        guard let shiftEnd = effective.shift.end else {
            return Result(permissions: [], doorCount: 0, unusableLockIDs: [])
        }
        let shift = (start: effective.shift.start.millisecondsSinceEpoch, end: shiftEnd.millisecondsSinceEpoch)
        var result = Result(permissions: [], doorCount: 0, unusableLockIDs: [])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Most of a key's doors share one schedule over the same window (a team's round, an
        // area grant), and unrolling it walks the calendar, so each window is unrolled once.
        var unrolled: [ScheduledWindow: [Schedule]] = [:]
        for lock in effective.permissions {
            guard let lockID = Self.lockID(lock.lockID) else {
                result.unusableLockIDs.append(lock.lockID)
                continue
            }
            var schedules: [Schedule] = []
            for window in lock.windows {
                let start = window.start.millisecondsSinceEpoch
                let end = window.end.millisecondsSinceEpoch
                if let schedule = window.schedule {
                    let key = ScheduledWindow(schedule: schedule, start: start, end: end)
                    if unrolled[key] == nil { unrolled[key] = visits(of: schedule, from: start, to: end, calendar) }
                    schedules += unrolled[key]!
                } else if start <= shift.start && end >= shift.end {
                    schedules = [.always]
                    break
                } else {
                    schedules.append(Self.visit(start, end))
                }
            }
            var unique: [Schedule] = []
            for schedule in schedules where !unique.contains(schedule) { unique.append(schedule) }
            guard !unique.isEmpty else { continue }
            result.doorCount += 1
            result.permissions += unique.map { Permission(lockID: lockID, schedule: $0) }
        }
        return result
    }

    /// A weekly schedule over a window, in milliseconds.
    private struct ScheduledWindow: Hashable {
        var schedule: WeeklySchedule
        var start: Int64
        var end: Int64
    }

    /// The stretches of `schedule` inside `[start, end)`, each as a visit; `calendar` reads
    /// `timeZone`.
    private func visits(of schedule: WeeklySchedule, from start: Int64, to end: Int64, _ calendar: Calendar)
        -> [Schedule]
    {
        var day = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(start) / 1000))
        var result: [Schedule] = []
        while Int64(day.timeIntervalSince1970 * 1000) < end {
            // Calendar weekdays run from 1 = Sunday; schedules from 0 = Monday.
            let weekday = (calendar.component(.weekday, from: day) + 5) % 7
            for interval in schedule.intervals where interval.day == weekday {
                guard let from = moment(day, minute: interval.start, calendar),
                    let to = moment(day, minute: interval.end, calendar)
                else { continue }
                let visitStart = max(from, start)
                let visitEnd = min(to, end)
                if visitStart < visitEnd { result.append(Self.visit(visitStart, visitEnd)) }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return result
    }

    /// Local minute `minute` (0...1440) of the day starting at `day`, in milliseconds; local
    /// wall-clock time, so 07:00 is 07:00 also on the day the clocks change.
    private func moment(_ day: Date, minute: Int, _ calendar: Calendar) -> Int64? {
        if minute == 1440 {
            return calendar.date(byAdding: .day, value: 1, to: day).map { Int64($0.timeIntervalSince1970 * 1000) }
        }
        var components = calendar.dateComponents([.year, .month, .day], from: day)
        components.hour = minute / 60
        components.minute = minute % 60
        return calendar.date(from: components).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    /// A visit covering `[start, end)` milliseconds, in the protocol's inclusive seconds.
    private static func visit(_ start: Int64, _ end: Int64) -> Schedule {
        .visit(notBefore: UInt64(max(0, start / 1000)), notAfter: UInt64(max(0, (end - 1) / 1000)))
    }

    /// The protocol's lock id from its stored form, 32 lowercase hex digits.
    static func lockID(_ text: String) -> LockID? {
        let digits = Array(text.utf8)
        guard digits.count == 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for index in stride(from: 0, to: 32, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return LockID(bytes)
    }

    /// The value of one lowercase hex digit.
    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        default: nil
        }
    }

    /// The credential's UTC offset at `time`, for the record; the visits above do not depend on it.
    func utcOffsetMinutes(at time: Int64) -> Int16 {
        Int16(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time) / 1000)) / 60)
    }
}
