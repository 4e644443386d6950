import PortvaktServer

/// `portvakt version`: prints the version.
enum VersionCommand: Command {
    static let name = "version"
    static let summary = "print the version"
    static let usage = """
        usage: portvakt version

        Prints Portvakt's version and the HTTP API version it serves.
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        _ = try CommandLineArguments(arguments, valued: [], switches: [])
        console.print("portvakt \(PortvaktVersion.current) (API \(PortvaktVersion.api))")
        return ExitCode.success
    }
}
