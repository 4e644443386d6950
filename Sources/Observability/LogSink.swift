import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where formatted log lines go. A sink receives whole lines, newline included.
public protocol LogSink: Sendable {
    /// Takes one complete line. Implementations must not interleave concurrent lines.
    func write(line: [UInt8])

    /// Makes every line taken so far visible; called after records at `notice` and above.
    func flush()
}

/// Writes lines to standard error. Records below `notice` are gathered and written at most
/// 100 ms later (or when 32 KiB are waiting), so the per-request access log costs no system
/// call per request; `notice` and above, and every flush, are written at once.
public final class StandardErrorSink: LogSink {
    /// The process's sink; loggers share it so that lines keep their order.
    public static let shared = StandardErrorSink()

    private let pending = Mutex<[UInt8]>([])
    private let timerStarted = Atomic<Bool>(false)
    private let timer = Mutex<(any DispatchSourceTimer)?>(nil)
    private static let flushBytes = 32 * 1024

    private init() {}

    public func write(line: [UInt8]) {
        let full = pending.withLock { buffer in
            buffer.append(contentsOf: line)
            return buffer.count >= StandardErrorSink.flushBytes
        }
        if full {
            flush()
        } else if !timerStarted.load(ordering: .relaxed) {
            startTimer()
        }
    }

    public func flush() {
        let bytes = pending.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private func startTimer() {
        guard timerStarted.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return
        }
        timer.withLock { holder in
            let source = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            source.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
            source.setEventHandler { [self] in flush() }
            source.resume()
            holder = source
        }
    }
}

/// Keeps lines in memory; used by tests that check what was logged (and what was not).
public final class MemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func write(line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        storage.withLock { $0.append(text) }
    }

    public func flush() {}

    /// Every line written so far, in order.
    public var lines: [String] { storage.withLock { $0 } }
}
