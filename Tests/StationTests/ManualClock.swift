import Synchronization

/// A clock the test moves by hand: the station's milliseconds and its daemon's sleeps both follow
/// it, so an hour of heartbeats and forwarding runs in moments and in a known order.
final class ManualClock: Sendable {
    private struct Sleeper {
        var id: Int
        var deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Int64
        var nextID = 0
        var sleepers: [Sleeper] = []
        var cancelled: Set<Int> = []
        var watchers: [Watcher] = []

        /// The watchers satisfied now, removed from the list.
        mutating func satisfiedWatchers() -> [Watcher] {
            let count = sleepers.count
            let satisfied = watchers.filter { $0.count <= count }
            watchers.removeAll { $0.count <= count }
            return satisfied
        }
    }

    private let state: Mutex<State>

    /// A clock reading `milliseconds` since the Unix epoch.
    init(startingAt milliseconds: Int64) {
        state = Mutex(State(now: milliseconds))
    }

    /// Unix milliseconds now.
    var now: Int64 { state.withLock { $0.now } }

    /// Returns once the clock has moved `duration` on; throws when the task is cancelled.
    func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (cancelled, watchers) = state.withLock { state -> (Bool, [Watcher]) in
                    if state.cancelled.remove(id) != nil { return (true, []) }
                    let deadline = state.now + duration.components.seconds * 1_000
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (false, state.satisfiedWatchers())
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                for watcher in watchers { watcher.continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until `count` tasks sleep on this clock: the work they were woken for is done.
    func waitUntilSleeping(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.sleepers.count < count else { return true }
                state.watchers.append(Watcher(count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Moves the clock on by `step` at a time until `duration` has passed, waking each sleeper
    /// whose time has come and waiting for all `sleepers` to sleep again before the next step.
    func advance(by duration: Duration, step: Duration, sleepers: Int) async {
        let steps = Int(duration.components.seconds / step.components.seconds)
        for _ in 0..<steps {
            await waitUntilSleeping(sleepers)
            let due = state.withLock { state -> [Sleeper] in
                state.now += step.components.seconds * 1_000
                let now = state.now
                let due = state.sleepers.filter { $0.deadline <= now }
                state.sleepers.removeAll { $0.deadline <= now }
                return due.sorted { $0.deadline < $1.deadline }
            }
            for sleeper in due { sleeper.continuation.resume() }
        }
        await waitUntilSleeping(sleepers)
    }
}
