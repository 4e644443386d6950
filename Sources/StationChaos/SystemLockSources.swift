import Crypto
import Dispatch
import Foundation
import LockCore
import PortvaktProtocol

/// The host's randomness, for the lock's challenge nonces.
struct SystemRandom: RandomSource {
    mutating func bytes(_ count: Int) -> [UInt8] { RandomBytes.generate(count) }
}

/// The host's clocks, as a lock's.
struct SystemLockClock: LockClock {
    func unixTime() -> UInt64? { UInt64(Date().timeIntervalSince1970) }
    func uptimeMilliseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }
}
