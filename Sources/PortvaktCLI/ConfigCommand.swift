import Configuration
import PortvaktServer

/// `portvakt config`: validates configuration and prints the effective settings, secrets hidden.
enum ConfigCommand: Command {
    static let name = "config"
    static let summary = "check configuration and print the effective settings"
    static let usage = """
        usage: portvakt config [options]

        Loads configuration exactly as 'serve' would, stops with a message naming the setting if a
        value is wrong, and otherwise prints every setting's effective value. Secrets are hidden.

        options:
        \(ServerOptions.help)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, valued: ServerOptions.valued, switches: [])
        let configuration = try ServerOptions.settings(parsed)
        _ = try ServerConfiguration(configuration)
        for (key, value) in configuration.redactedValues {
            console.print("\(key) = \(value)")
        }
        return ExitCode.success
    }
}
