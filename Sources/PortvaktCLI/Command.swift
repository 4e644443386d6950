/// One `portvakt` subcommand.
protocol Command: Sendable {
    /// The word that selects it.
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// Full usage text for `portvakt NAME --help`.
    static var usage: String { get }
    /// Runs the command and returns the process exit code.
    static func run(_ arguments: [String], _ console: Console) throws -> Int32
}

/// Exit codes, following the BSD sysexits convention where one fits.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let configuration: Int32 = 78
}
