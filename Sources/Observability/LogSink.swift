import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where formatted log lines go. A sink receives whole lines, newline included.
public protocol LogSink: Sendable {
    /// Writes one complete line. Implementations must not interleave concurrent lines.
    func write(line: String)
}

/// Writes each line to standard error with a single `write(2)`, so lines from several threads
/// never interleave.
public struct StandardErrorSink: LogSink {
    public init() {}

    public func write(line: String) {
        var line = line
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Keeps lines in memory; used by tests that check what was logged (and what was not).
public final class MemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func write(line: String) {
        storage.withLock { $0.append(line) }
    }

    /// Every line written so far, in order.
    public var lines: [String] { storage.withLock { $0 } }
}
