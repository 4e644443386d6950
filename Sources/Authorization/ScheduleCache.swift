import Storage
import Synchronization

/// Parsed schedules by id. Schedule rows are written once and never changed, so a cached entry
/// can never go stale; the cache only spares re-reading and re-parsing them on every query.
final class ScheduleCache: Sendable {
    private let entries = Mutex<[Int64: WeeklySchedule]>([:])

    func get(_ id: Int64) -> WeeklySchedule? { entries.withLock { $0[id] } }

    func put(_ id: Int64, _ schedule: WeeklySchedule) { entries.withLock { $0[id] = schedule } }
}

/// Resolves schedule ids within one query's transaction, through the shared cache.
struct ScheduleLookup {
    let cache: ScheduleCache
    let connection: any SQLConnection
    /// Ids resolved in this call, so the shared lock is taken once per distinct schedule.
    private var local: [Int64: WeeklySchedule] = [:]
    /// The id asked for last: rows of one grant come together and share it.
    private var last: (id: Int64, schedule: WeeklySchedule)?

    init(cache: ScheduleCache, connection: any SQLConnection) {
        self.cache = cache
        self.connection = connection
    }

    mutating func schedule(_ id: Int64) throws -> WeeklySchedule {
        if let last, last.id == id { return last.schedule }
        let schedule = try lookUp(id)
        last = (id, schedule)
        return schedule
    }

    private mutating func lookUp(_ id: Int64) throws -> WeeklySchedule {
        if let known = local[id] { return known }
        if let cached = cache.get(id) {
            local[id] = cached
            return cached
        }
        guard let row = try connection.first("SELECT text FROM schedules WHERE id = $1", [.integer(id)]) else {
            throw StorageError(.decoding, "a grant refers to schedule \(id), which does not exist")
        }
        let text = try row.text("text")
        guard let schedule = WeeklySchedule(text) else {
            throw StorageError(.decoding, "a stored schedule is malformed", cause: text)
        }
        cache.put(id, schedule)
        local[id] = schedule
        return schedule
    }
}
