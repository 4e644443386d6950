import Configuration
import Observability

/// The `portvakt` command: dispatches to subcommands and turns errors into messages and exit
/// codes. The executable only calls `run`.
public enum PortvaktCLI {
    static let commands: [any Command.Type] = [
        ServeCommand.self, MigrateCommand.self, DemoCommand.self, TokenCommand.self, PurgeCommand.self,
        ConfigCommand.self, StationCommand.self, KeyCommand.self, VersionCommand.self,
    ]

    /// Runs `portvakt` with `arguments` (program name first) and returns the exit code.
    public static func run(_ arguments: [String], console: Console = .standard) -> Int32 {
        defer { StandardErrorSink.shared.flush() }
        let words = Array(arguments.dropFirst())
        guard let name = words.first else {
            console.error(overview)
            return ExitCode.usage
        }
        if ["help", "--help", "-h"].contains(name) {
            if words.count > 1, let command = commands.first(where: { $0.name == words[1] }) {
                console.print(command.usage)
            } else {
                console.print(overview)
            }
            return ExitCode.success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            console.error("portvakt: unknown command '\(name)'\n\n" + overview)
            return ExitCode.usage
        }
        let rest = Array(words.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.print(command.usage)
            return ExitCode.success
        }
        do {
            return try command.run(rest, console)
        } catch let error as UsageError {
            console.error("portvakt \(name): \(error.message)\n\n" + command.usage)
            return ExitCode.usage
        } catch let error as ConfigurationError {
            console.error("portvakt \(name): configuration error: \(error)")
            return ExitCode.configuration
        } catch {
            console.error("portvakt \(name): \(error)")
            return ExitCode.failure
        }
    }

    static var overview: String {
        let width = commands.map { $0.name.count }.max() ?? 0
        let list = commands.map {
            "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary
        }
        return """
            usage: portvakt <command> [options]

            Portvakt: authorization server for digital locks in home care.

            commands:
            \(list.joined(separator: "\n"))

            Run 'portvakt <command> --help' for a command's options.
            """
    }
}
