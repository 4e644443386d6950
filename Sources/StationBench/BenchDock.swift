import Station
import Synchronization

/// A station's dock in the benchmark: keys are inserted by the load generator and handed to the
/// daemon in order, as many at a time as it takes (a rack of docks).
final class BenchDock: KeyDock {
    private struct State {
        var queued: [any DockedKey] = []
        var waiting: CheckedContinuation<any DockedKey, any Error>?
    }

    private let state = Mutex(State())

    /// Docks `key`: the daemon's next ``nextKey()`` returns it.
    func insert(_ key: any DockedKey) {
        let waiting = state.withLock { state in
            guard let waiting = state.waiting.take() else {
                state.queued.append(key)
                return nil as CheckedContinuation<any DockedKey, any Error>?
            }
            return waiting
        }
        waiting?.resume(returning: key)
    }

    func nextKey() async throws -> any DockedKey {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: (any DockedKey)? = state.withLock { state in
                    if !state.queued.isEmpty { return state.queued.removeFirst() }
                    state.waiting = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
                if Task.isCancelled { state.withLock { $0.waiting.take() }?.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            state.withLock { $0.waiting.take() }?.resume(throwing: CancellationError())
        }
    }
}
