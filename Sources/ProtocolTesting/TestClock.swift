import KeyCore
import LockCore

/// A clock that tests set by hand. A class, so that a test can move time while a core holds it.
public final class TestClock: LockClock, KeyClock {
    /// Unix seconds, or `nil` for a lock without a real-time clock.
    public var now: UInt64?
    /// Milliseconds since power-on.
    public var uptime: UInt64 = 0

    /// A clock reading `now` (or none).
    public init(now: UInt64?) {
        self.now = now
    }

    /// See ``LockClock/unixTime()``.
    public func unixTime() -> UInt64? { now }

    /// See ``KeyClock/unixTime()``; a key always has a clock, so `nil` reads as 0.
    public func unixTime() -> UInt64 { now ?? 0 }

    /// See ``LockClock/uptimeMilliseconds()``.
    public func uptimeMilliseconds() -> UInt64 { uptime }
}
