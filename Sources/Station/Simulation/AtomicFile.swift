#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file reads and crash-safe replacement.
///
/// A write goes to `PATH.tmp`, is flushed to disk, renamed over `PATH`, and the directory is
/// flushed so the rename itself survives a power cut. A crash at any point leaves either the old
/// file or the new one at `PATH`, never a torn mix; a torn temporary file is simply overwritten by
/// the next write.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`, readable and writable by the owner only.
    ///
    /// - Throws: ``AtomicFileError`` naming the step that failed.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        try write(bytes, to: path, stopAfter: nil)
    }

    /// Like ``write(_:to:)``, but when `stopAfter` is given, stops after writing that many bytes
    /// of the temporary file and throws, as a crash would: for tests.
    static func write(_ bytes: [UInt8], to path: String, stopAfter: Int?) throws(AtomicFileError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .failed(step: "create \(temporary)", reason: SystemError.text(errno)) }
        let limit = min(bytes.count, stopAfter ?? bytes.count)
        var offset = 0
        while offset < limit {
            let written = bytes[offset..<limit].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                let reason = SystemError.text(errno)
                close(descriptor)
                throw .failed(step: "write \(temporary)", reason: reason)
            }
            offset += written
        }
        if stopAfter != nil {
            close(descriptor)
            throw .failed(step: "write \(temporary)", reason: "stopped on purpose after \(limit) bytes")
        }
        guard fsync(descriptor) == 0 else {
            let reason = SystemError.text(errno)
            close(descriptor)
            throw .failed(step: "flush \(temporary)", reason: reason)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            throw .failed(step: "rename \(temporary) to \(path)", reason: SystemError.text(errno))
        }
        try syncDirectory(of: path)
    }

    /// Reads the whole file, or returns `nil` when it does not exist.
    public static func read(_ path: String) throws(AtomicFileError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .failed(step: "open \(path)", reason: SystemError.text(errno))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .failed(step: "read \(path)", reason: SystemError.text(errno)) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Flushes the directory holding `path`, so that a rename in it is durable.
    static func syncDirectory(of path: String) throws(AtomicFileError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .failed(step: "open directory \(directory)", reason: SystemError.text(errno))
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw .failed(step: "flush directory \(directory)", reason: SystemError.text(errno))
        }
    }
}

/// A file operation failed.
public enum AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `step` failed for `reason`.
    case failed(step: String, reason: String)

    /// A sentence for the command line.
    public var description: String {
        switch self {
        case .failed(let step, let reason): "could not \(step): \(reason)"
        }
    }
}
