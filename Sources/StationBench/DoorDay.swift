import BenchSupport
import Dispatch
import Foundation
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting
import Station

/// A lock as the benchmark runs it: real ``LockCore`` and libsodium, its state in memory.
typealias BenchLock = LockCore<SodiumProtocolCrypto, SeededRandom, TestClock, InMemoryLockStore>

/// A working day between two docks: each key opens 10 to 25 of the doors its credential names,
/// collecting its own passage events and the locks' sealed event batches, and tries one door it
/// has no permission for. The locks are real ``LockCore``s trusting the issuer key the stations
/// pinned and sealing to the server's event key, so the next sync carries 20 to 50 entries
/// that the server must open, check and store.
struct DoorDay {
    let keys: PinnedServerKeys

    /// Runs the day for `keys` on two threads; each thread owns the locks whose id ends in an
    /// even or an odd byte, and its keys visit only those, so no lock is shared between threads.
    ///
    /// - Returns: the entries the keys hold afterwards.
    func run(_ benchKeys: [BenchKey], seed: UInt64) -> Int {
        let shards = 2
        DispatchQueue.concurrentPerform(iterations: shards) { shard in
            var locks: [LockID: BenchLock] = [:]
            var random = BenchRandom(seed: seed &+ UInt64(shard))
            let clock = TestClock(now: UInt64(Date().timeIntervalSince1970))
            for (index, key) in benchKeys.enumerated() where index % shards == shard {
                guard let activation = key.activation else { continue }
                let mine = activation.locks.filter { Int($0.bytes.last ?? 0) % shards == shard }
                guard !mine.isEmpty else { continue }
                clock.now = UInt64(Date().timeIntervalSince1970)
                let visits = 10 + Int(random.below(16))
                for _ in 0..<visits {
                    let id = mine[Int(random.below(UInt64(mine.count)))]
                    key.visit(&locks[id, default: makeLock(id, clock: clock)])
                }
                // A door the key holds no permission for: the key logs the refused try.
                var stranger = makeLock(Self.strangerLock(shard), clock: clock)
                key.visit(&stranger)
            }
        }
        return benchKeys.reduce(0) { $0 + $1.pendingEntries }
    }

    private func makeLock(_ id: LockID, clock: TestClock) -> BenchLock {
        let configuration = LockConfiguration(
            lockID: id, trustAnchors: [keys.trustAnchor], eventRecipient: keys.eventPublicKey)
        return try! BenchLock(
            configuration: configuration, crypto: SodiumProtocolCrypto(),
            random: SeededRandom(seed: UInt64(id.bytes.last ?? 0)), clock: clock,
            store: InMemoryLockStore(timeFloor: (clock.now ?? 0) - 86_400))
    }

    /// A lock id no city lock has (city ids count up from 1).
    private static func strangerLock(_ shard: Int) -> LockID {
        LockID([UInt8](repeating: 0xEE, count: 15) + [UInt8(shard)])!
    }
}
