import Authorization
import HTTPServer
import Observability
import Storage

/// When a grant applies, as the API reads and shows it: a validity period in milliseconds since
/// the epoch, `[from, to)` with an open end when `to` is absent, and an optional weekly schedule
/// in the shape `GET /api/v1/keys/:id/permissions` answers with.
struct GrantTerms {
    /// The period; it starts when the grant is made unless the request names a start.
    var validity: Period
    /// The hours of the week; `nil` for any time.
    var schedule: WeeklySchedule?

    /// The most intervals one schedule may list: ten a day.
    static let maximumIntervals = 70

    /// One interval as a request may name it.
    static let requestInterval = JSONSchema.object(
        [
            "day": .integer(minimum: 0, maximum: 6), "start": .integer(minimum: 0, maximum: 1439),
            "end": .integer(minimum: 1, maximum: 1440),
        ], required: ["day", "start", "end"])

    /// The properties of a creating request that carry the terms.
    static let requestProperties: [String: JSONSchema] = [
        "from": APITime.schema, "to": APITime.schema,
        "schedule": .array(requestInterval, maxItems: maximumIntervals),
    ]

    /// The properties of an answer that carry the terms.
    static let responseProperties: [String: JSONSchema] = [
        "from": .integer(), "to": .integer(), "schedule": .array(requestInterval),
    ]

    /// Reads the terms from a request, adding a field error for each invalid part.
    /// - Returns: the terms, or `nil` when a part is invalid.
    static func read(
        from: Int64?, to: Int64?, schedule: [KeyPermissionRoute.Interval]?, now: Int64,
        errors: inout [ProblemDetails.FieldError]
    ) -> GrantTerms? {
        let count = errors.count
        let start = APITime.moment(from, field: "from", fallback: now, errors: &errors)
        let end = to.map { APITime.moment($0, field: "to", fallback: start, errors: &errors) }
        var valid = errors.count == count
        if valid, let end, end <= start {
            errors.append(.init(field: "to", message: "a time after from (now, if from is absent)"))
            valid = false
        }
        var intervals: [WeeklySchedule.Interval] = []
        if let schedule {
            if schedule.isEmpty || schedule.count > maximumIntervals {
                errors.append(
                    .init(
                        field: "schedule",
                        message: "list 1 to \(maximumIntervals) intervals, or leave the schedule out for any time"))
                valid = false
            }
            for (index, interval) in schedule.enumerated() {
                guard (0...6).contains(interval.day), interval.start >= 0, interval.start < interval.end,
                    interval.end <= 1440
                else {
                    errors.append(
                        .init(
                            field: "schedule[\(index)]",
                            message: "day 0 (Monday) to 6, and minutes of the day with 0 <= start < end <= 1440"))
                    valid = false
                    continue
                }
                intervals.append(WeeklySchedule.Interval(day: interval.day, start: interval.start, end: interval.end))
            }
        }
        guard valid else { return nil }
        return GrantTerms(
            validity: Period(
                start: WallTime(millisecondsSinceEpoch: start), end: end.map(WallTime.init(millisecondsSinceEpoch:))),
            schedule: schedule == nil ? nil : WeeklySchedule(intervals))
    }

    /// A stored schedule's text (from the `schedules` table) as the API shows it.
    static func intervals(_ text: String?) throws -> [KeyPermissionRoute.Interval]? {
        guard let text else { return nil }
        guard let schedule = WeeklySchedule(text) else {
            throw StorageError(.decoding, "a stored schedule is not valid: \(text)")
        }
        return schedule.intervals.map { KeyPermissionRoute.Interval(day: $0.day, start: $0.start, end: $0.end) }
    }
}
