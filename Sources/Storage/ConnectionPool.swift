import Dispatch
import Synchronization

/// A connection a pool can hold.
public protocol PooledConnection: AnyObject {
    /// Whether the connection failed in a way that makes it unusable; the pool then drops it
    /// instead of lending it again.
    var isBroken: Bool { get }

    /// Releases the underlying handle.
    func close()
}

/// A fixed-capacity pool of connections, opened lazily and lent to one caller at a time.
///
/// Callers wait up to `waitTimeout` for a free connection and then get a `.poolTimeout` error
/// rather than queueing forever, so an overloaded database turns into quick 503s instead of a
/// server that stops answering.
public final class ConnectionPool<Connection: PooledConnection>: @unchecked Sendable {
    // `@unchecked`: connections are not thread-safe, and the pool guarantees that each is used
    // by one caller at a time; the idle list and counters are guarded by `state`.
    private struct State {
        var idle: [Lent] = []
        var open = 0
        var inUse = 0
        var waiting = 0
        var closed = false
    }

    /// Carries a connection into and out of the lock; see the note on the class.
    private struct Lent: @unchecked Sendable {
        let connection: Connection
    }

    private let state = Mutex(State())
    private let permits: DispatchSemaphore
    private let capacity: Int
    private let waitTimeout: Duration
    private let open: @Sendable () throws(StorageError) -> Connection

    /// Creates a pool.
    /// - Parameters:
    ///   - capacity: the most connections open at once.
    ///   - waitTimeout: how long a caller waits for a free connection.
    ///   - open: opens a new connection.
    public init(
        capacity: Int, waitTimeout: Duration, open: @escaping @Sendable () throws(StorageError) -> Connection
    ) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.capacity = capacity
        self.waitTimeout = waitTimeout
        self.open = open
        self.permits = DispatchSemaphore(value: capacity)
    }

    /// Lends a connection to `body` and takes it back afterwards, dropping it if it broke.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// The pool's current state.
    public var status: PoolStatus {
        state.withLock { PoolStatus(open: $0.open, inUse: $0.inUse, waiting: $0.waiting, capacity: capacity) }
    }

    /// Closes idle connections and refuses new loans; lent connections close when returned.
    public func close() {
        let idle = state.withLock { state in
            state.closed = true
            state.open -= state.idle.count
            defer { state.idle = [] }
            return state.idle
        }
        for lent in idle { lent.connection.close() }
    }

    private func acquire() throws(StorageError) -> Connection {
        try state.withLock { state throws(StorageError) in
            if state.closed { throw StorageError(.unavailable, "the database has been closed") }
            state.waiting += 1
        }
        let seconds = Double(waitTimeout.components.seconds) + Double(waitTimeout.components.attoseconds) / 1e18
        let result = permits.wait(timeout: .now() + seconds)
        state.withLock { $0.waiting -= 1 }
        guard result == .success else {
            throw StorageError(
                .poolTimeout, "no database connection became free in time; the database is overloaded or slow")
        }

        let reused = state.withLock { state in
            state.inUse += 1
            return state.idle.popLast()
        }
        if let reused { return reused.connection }
        do {
            let connection = try open()
            state.withLock { $0.open += 1 }
            return connection
        } catch {
            state.withLock { $0.inUse -= 1 }
            permits.signal()
            throw error
        }
    }

    private func release(_ connection: Connection) {
        let lent = Lent(connection: connection)
        let broken = connection.isBroken
        let keep = state.withLock { state in
            state.inUse -= 1
            if broken || state.closed {
                state.open -= 1
                return false
            }
            state.idle.append(lent)
            return true
        }
        if !keep { connection.close() }
        permits.signal()
    }
}
