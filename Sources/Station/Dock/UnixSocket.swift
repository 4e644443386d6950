import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A listening Unix domain socket, for the simulated dock.
///
/// Accepting polls in short slices so that a stopping daemon is never stuck in `accept`.
final class UnixSocketListener: Sendable {
    /// The socket's path.
    let path: String
    private let descriptor: Int32
    private let closed = Atomic<Bool>(false)

    /// Binds and listens at `path`, replacing a stale socket left by a previous run.
    ///
    /// - Throws: ``DockError/unavailable(_:)`` when the path is too long, is some other kind of
    ///   file, or cannot be bound.
    init(path: String) throws(DockError) {
        self.path = path
        var address = try UnixSocketAddress(path)
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw .unavailable("\(path) exists and is not a socket; move it away")
            }
            unlink(path)
        }
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .unavailable("socket: \(SystemError.text(errno))") }
        let bound = address.withSockaddr { bind(descriptor, $0, $1) }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let reason = SystemError.text(errno)
            Glibc.close(descriptor)
            throw .unavailable("cannot listen at \(path): \(reason)")
        }
        chmod(path, 0o600)
    }

    /// Waits up to `slice` for a connection; `nil` when none arrived.
    func accept(waiting slice: Duration) throws(DockError) -> UnixSocketConnection? {
        guard !closed.load(ordering: .acquiring) else { throw .unavailable("the dock socket is closed") }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(slice.milliseconds))
        guard ready > 0 else {
            if ready < 0, errno != EINTR { throw .unavailable("poll: \(SystemError.text(errno))") }
            return nil
        }
        let client = Glibc.accept(descriptor, nil, nil)
        guard client >= 0 else {
            if [EAGAIN, EINTR, ECONNABORTED].contains(errno) { return nil }
            throw .unavailable("accept: \(SystemError.text(errno))")
        }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return UnixSocketConnection(descriptor: client)
    }

    /// Stops listening and removes the socket file.
    func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        Glibc.close(descriptor)
        unlink(path)
    }

    deinit { close() }
}

/// One connected stream socket with deadline-bounded whole reads and writes.
final class UnixSocketConnection: Sendable {
    private let descriptor: Int32
    private let closed = Atomic<Bool>(false)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Connects to the socket at `path`.
    static func connect(to path: String) throws(DockError) -> UnixSocketConnection {
        var address = try UnixSocketAddress(path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .unavailable("socket: \(SystemError.text(errno))") }
        let connected = address.withSockaddr { Glibc.connect(descriptor, $0, $1) }
        guard connected == 0 else {
            let reason = SystemError.text(errno)
            Glibc.close(descriptor)
            throw .unavailable("cannot connect to \(path): \(reason); is 'portvakt station run' running?")
        }
        return UnixSocketConnection(descriptor: descriptor)
    }

    /// Sends every byte, failing with ``DockError/keyRemoved`` when the peer has gone.
    func write(_ bytes: [UInt8]) throws(DockError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { throw .keyRemoved }
            offset += sent
        }
    }

    /// Reads exactly `count` bytes within `timeout`.
    ///
    /// - Throws: ``DockError/keyTimedOut`` when the time runs out, ``DockError/keyRemoved`` when
    ///   the peer closes first.
    func read(exactly count: Int, timeout: Duration) throws(DockError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < count {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw .keyTimedOut }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, left.milliseconds)))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { continue }
            let received = bytes[offset...].withUnsafeMutableBytes {
                Glibc.recv(descriptor, $0.baseAddress, $0.count, 0)
            }
            if received < 0, errno == EINTR || errno == EAGAIN { continue }
            guard received > 0 else { throw .keyRemoved }
            offset += received
        }
        return bytes
    }

    /// Reads one whole frame within `timeout`.
    func readFrame(timeout: Duration) throws(DockError) -> DockFrame {
        let header = try read(exactly: DockFrame.headerLength, timeout: timeout)
        let (kind, length): (DockFrame.Kind, Int)
        do {
            (kind, length) = try DockFrame.header(header)
        } catch {
            throw .badFrame(error.description)
        }
        return DockFrame(kind, try read(exactly: length, timeout: timeout))
    }

    /// Sends one frame.
    func writeFrame(_ frame: DockFrame) throws(DockError) {
        try write(frame.encoded)
    }

    /// Closes after reading and discarding what the peer already sent, so that the peer can still
    /// read the last frame it was sent (closing with unread input would reset the connection).
    func drainAndClose() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<256 {
            let count = chunk.withUnsafeMutableBytes {
                Glibc.recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count <= 0 { break }
        }
        close()
    }

    /// Closes the connection; later calls fail.
    func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        Glibc.close(descriptor)
    }

    deinit { close() }
}

/// A `sockaddr_un` for a path, checked against the 107-byte limit of the platform.
struct UnixSocketAddress {
    private var storage = sockaddr_un()

    init(_ path: String) throws(DockError) {
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw .unavailable(
                "the socket path \(path) is \(bytes.count) bytes; Unix sockets allow \(capacity - 1). "
                    + "Use a shorter state directory")
        }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
    }

    mutating func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

/// Text for `errno` values.
enum SystemError {
    /// `strerror` for `code`, with the number.
    static func text(_ code: Int32) -> String {
        String(cString: strerror(code)) + " (errno \(code))"
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down, at most `Int32.max`.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
