/// The lock's sense of time, injected so that tests and hardware without a real-time clock are
/// handled alike.
public protocol LockClock {
    /// Unix seconds from a real-time clock, or `nil` when the lock has none.
    func unixTime() -> UInt64?
    /// Milliseconds since power-on from a monotonic tick, used only to time out a challenge.
    func uptimeMilliseconds() -> UInt64
}
