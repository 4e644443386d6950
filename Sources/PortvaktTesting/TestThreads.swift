import Foundation
import Synchronization

/// Runs code on real threads, for testing the synchronous storage interface under contention.
public enum TestThreads {
    /// Runs `body(index)` on `count` threads at once and waits for all of them.
    ///
    /// Each gets its own thread rather than a slot in a shared pool, so blocking calls (waiting
    /// for a lock or a pooled connection) really overlap.
    /// - Throws: the first error any thread threw.
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        let errors = Mutex<[any Error]>([])
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    try body(index)
                } catch {
                    errors.withLock { $0.append(error) }
                }
            }
        }
        done.wait()
        if let first = errors.withLock({ $0.first }) { throw first }
    }
}
