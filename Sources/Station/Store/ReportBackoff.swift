/// How long a queued report waits after a failed delivery before it is tried again
/// (docs/station.md §7): `initial` after the first failure, doubling with each one after, never
/// more than `maximum`.
public struct ReportBackoff: Equatable, Sendable {
    /// The wait after the first failure.
    public var initial: Duration
    /// The longest wait.
    public var maximum: Duration

    /// 30 seconds doubling to one hour.
    public init(initial: Duration = .seconds(30), maximum: Duration = .seconds(3_600)) {
        precondition(initial > .zero && maximum >= initial, "a backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after `attempts` failed attempts (1 or more), in milliseconds.
    public func delayMilliseconds(afterAttempts attempts: Int) -> Int64 {
        let maximum = Self.milliseconds(maximum)
        var delay = Self.milliseconds(initial)
        for _ in 1..<max(attempts, 1) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
