import Observability
import Synchronization

/// A clock the test sets by hand.
final class TestClock: Sendable {
    private let current: Mutex<Int64>

    init(_ milliseconds: Int64) { current = Mutex(milliseconds) }

    var now: Int64 {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    /// The closure the store reads time from.
    var source: @Sendable () -> WallTime {
        { [self] in WallTime(millisecondsSinceEpoch: now) }
    }
}

/// Calendar shorthands for scenarios: day 0 is Monday 2026-01-05 00:00 UTC.
enum Day {
    static let origin: Int64 = 1_767_571_200_000
    static let hour: Int64 = 3_600_000
    static let length: Int64 = 24 * hour

    /// The moment `hours` into day `day`.
    static func at(_ day: Int, _ hours: Int = 0) -> Int64 {
        origin + Int64(day) * length + Int64(hours) * hour
    }
}

extension Int64 {
    /// The value as a `WallTime`.
    var wall: WallTime { WallTime(millisecondsSinceEpoch: self) }
}

/// A small, fast, seeded generator so that a failing scenario can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
