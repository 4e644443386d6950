#if canImport(Glibc)
    import Glibc
#endif

/// Where command output goes: standard output for results, standard error for diagnostics.
/// Tests capture both.
public struct Console: Sendable {
    let out: @Sendable (String) -> Void
    let err: @Sendable (String) -> Void

    /// A console writing to the process's standard output and error.
    public static let standard = Console(out: { write($0, to: 1) }, err: { write($0, to: 2) })

    /// Creates a console from two writers.
    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    func print(_ line: String) { out(line + "\n") }
    func error(_ line: String) { err(line + "\n") }

    /// Writes unbuffered, so output appears at once even when piped to another program.
    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
