/// The times of the week at which a permission may be used, in the lock's local time.
///
/// A schedule is a set of minute ranges on weekdays. It is kept in a canonical form (per day,
/// sorted ranges that neither overlap nor touch), so two schedules that allow the same minutes
/// are equal and have the same text. A permission without a schedule may be used at any time;
/// that is written as `nil`, not as a schedule covering the whole week, so "no restriction" is
/// never confused with "restricted to everything".
public struct WeeklySchedule: Sendable, Hashable, CustomStringConvertible {
    /// A range of minutes on one day of the week.
    public struct Interval: Sendable, Hashable, Comparable {
        /// The day, 0 = Monday … 6 = Sunday.
        public var day: Int
        /// The first minute of the day inside the range, 0 ..< 1440.
        public var start: Int
        /// The first minute of the day after the range, 1 … 1440.
        public var end: Int

        /// Creates an interval.
        /// - Precondition: `day` is 0…6 and `0 <= start < end <= 1440`.
        public init(day: Int, start: Int, end: Int) {
            precondition((0...6).contains(day) && start >= 0 && start < end && end <= 1440, "not a valid interval")
            self.day = day
            self.start = start
            self.end = end
        }

        public static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.day, lhs.start, lhs.end) < (rhs.day, rhs.start, rhs.end)
        }
    }

    /// The ranges, canonical: sorted, and per day neither overlapping nor touching.
    public let intervals: [Interval]

    /// Creates a schedule from any ranges; they are put in canonical form.
    public init(_ intervals: [Interval]) {
        var merged: [Interval] = []
        for interval in intervals.sorted() {
            if let last = merged.last, last.day == interval.day, interval.start <= last.end {
                merged[merged.count - 1].end = max(last.end, interval.end)
            } else {
                merged.append(interval)
            }
        }
        self.intervals = merged
    }

    /// The same hours on each of `days`, such as weekday mornings.
    public static func daily(_ days: some Sequence<Int>, from start: Int, to end: Int) -> WeeklySchedule {
        WeeklySchedule(days.map { Interval(day: $0, start: start, end: end) })
    }

    /// The minutes either schedule allows.
    public func union(_ other: WeeklySchedule) -> WeeklySchedule {
        WeeklySchedule(intervals + other.intervals)
    }

    /// Unions two optional schedules, where `nil` means "at any time" and so absorbs the other.
    public static func union(_ lhs: WeeklySchedule?, _ rhs: WeeklySchedule?) -> WeeklySchedule? {
        guard let lhs, let rhs else { return nil }
        return lhs.union(rhs)
    }

    /// Whether the schedule allows minute `minute` of the week (0 = Monday 00:00).
    public func allows(minuteOfWeek minute: Int) -> Bool {
        intervals.contains { $0.day == minute / 1440 && $0.start <= minute % 1440 && minute % 1440 < $0.end }
    }

    /// The stored form: `day:start-end` ranges in minutes, comma-separated, such as
    /// `0:420-600,1:420-600` for Monday and Tuesday 07:00–10:00.
    public var description: String {
        intervals.map { "\($0.day):\($0.start)-\($0.end)" }.joined(separator: ",")
    }

    /// Reads the stored form; `nil` when the text is not a valid schedule.
    public init?(_ text: String) {
        var parsed: [Interval] = []
        for part in text.split(separator: ",") {
            let dayAndRange = part.split(separator: ":")
            guard dayAndRange.count == 2 else { return nil }
            let range = dayAndRange[1].split(separator: "-")
            guard range.count == 2, let day = Int(dayAndRange[0]), let start = Int(range[0]), let end = Int(range[1]),
                (0...6).contains(day), start >= 0, start < end, end <= 1440
            else { return nil }
            parsed.append(Interval(day: day, start: start, end: end))
        }
        guard !parsed.isEmpty else { return nil }
        self.init(parsed)
    }
}
