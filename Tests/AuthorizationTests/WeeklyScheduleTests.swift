import Authorization
import Observability
import Testing

@Suite("Weekly schedules and the key's capacity")
struct WeeklyScheduleTests {
    @Test("overlapping and touching ranges merge into one canonical form")
    func canonical() {
        let schedule = WeeklySchedule([
            .init(day: 1, start: 600, end: 700), .init(day: 0, start: 420, end: 600),
            .init(day: 0, start: 500, end: 660),
            .init(day: 0, start: 660, end: 720),
        ])
        #expect(schedule.intervals == [.init(day: 0, start: 420, end: 720), .init(day: 1, start: 600, end: 700)])
        #expect(schedule.description == "0:420-720,1:600-700")
    }

    @Test("the stored text reads back to the same schedule and malformed text is refused")
    func roundTrip() {
        let schedule = WeeklySchedule.daily(0...6, from: 22 * 60, to: 1440)
        #expect(WeeklySchedule(schedule.description) == schedule)
        for bad in ["", "7:0-10", "0:10-5", "0:0-1441", "monday", "0:1-2;1:3-4"] {
            #expect(WeeklySchedule(bad) == nil)
        }
    }

    @Test("no schedule absorbs any schedule in a union")
    func unionWithAnyTime() {
        let mornings = WeeklySchedule.daily(0...4, from: 420, to: 600)
        #expect(WeeklySchedule.union(mornings, nil) == nil)
        #expect(WeeklySchedule.union(mornings, mornings) == mornings)
        #expect(mornings.allows(minuteOfWeek: 480) && !mornings.allows(minuteOfWeek: 5 * 1440 + 480))
    }

    @Test("a set of more than 4,000 locks is reported with its size, not truncated")
    func overCapacity() {
        let window = PermissionWindow(
            start: WallTime(millisecondsSinceEpoch: 0), end: WallTime(millisecondsSinceEpoch: 1), schedule: nil)
        let permissions = (0...4_000).map { LockPermission(lockID: "L\($0)", windows: [window]) }
        let result = EffectivePermissions(
            key: KeyID(7), shift: Period(start: window.start, end: window.end), permissions: permissions)

        #expect(result.lockCount == 4_001)
        #expect(!result.fitsOnKey)
        #expect(result.overCapacityMessage?.contains("4001") == true)
    }
}
