import Dispatch
import Synchronization

/// Runs blocking work (socket I/O bounded by timeouts) on a Dispatch thread, so it never holds
/// one of the few threads that run Swift tasks.
enum Blocking {
    private static let queue = DispatchQueue(label: "portvakt.station.blocking", attributes: .concurrent)

    /// Runs `body` off the task pool and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
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
