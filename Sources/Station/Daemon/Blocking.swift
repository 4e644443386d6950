import Foundation
import Synchronization

/// Runs blocking work (socket I/O bounded by timeouts) on a thread of its own, so it never holds
/// one of the few threads that run Swift tasks.
///
/// A thread per call rather than a Dispatch queue: Dispatch's shared pool is sized to the
/// processor count, and on a two-core station a dock waiting for a key and a call waiting for
/// the server could otherwise hold every thread while a third piece of work waits behind them.
enum Blocking {
    /// Runs `body` off the task pool and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = "portvakt-station-io"
            thread.start()
        }
    }
}

/// A flag one task sets to ask blocking work elsewhere to stop at its next check.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Asks the work to stop.
    func set() { flag.store(true, ordering: .releasing) }

    /// Whether stopping was asked for.
    var isSet: Bool { flag.load(ordering: .acquiring) }
}
