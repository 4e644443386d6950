import Configuration
import Foundation
import Observability
import PortvaktServer

/// The options every server-facing command shares, and how they become configuration.
enum ServerOptions {
    static let valued: Set<String> = ["config", "host", "port", "data-dir", "log-level"]

    static let help = """
          --config FILE      read settings from FILE (key = value lines; see docs/configuration.md)
          --host ADDRESS     listen address (http.host)
          --port PORT        listen port (http.port)
          --data-dir DIR     SQLite data directory (storage.data_dir)
          --log-level LEVEL  trace, debug, info, notice, warning, error or critical (log.level)

        Every setting can also be given as an environment variable, such as PORTVAKT_HTTP_PORT.
        """

    /// Loads typed configuration with the command line's values overriding file and environment.
    static func configuration(_ arguments: CommandLineArguments, defaults: [String: String] = [:]) throws
        -> ServerConfiguration
    {
        try ServerConfiguration(settings(arguments, defaults: defaults))
    }

    /// Loads and validates the settings: built-in defaults, the command's `defaults`, the file, the
    /// environment, then flags.
    static func settings(_ arguments: CommandLineArguments, defaults: [String: String] = [:]) throws
        -> Configuration
    {
        var overrides: [String: String] = [:]
        let mapping = [
            "host": "http.host", "port": "http.port", "data-dir": "storage.data_dir", "log-level": "log.level",
        ]
        for (flag, key) in mapping {
            if let value = arguments.values[flag] { overrides[key] = value }
        }
        let file = arguments.values["config"] ?? ProcessInfo.processInfo.environment["PORTVAKT_CONFIG"]
        return try Configuration(
            settings: ServerSettings.all, defaults: defaults, file: file, overrides: overrides)
    }

    /// The process logger for a configuration: JSON lines on standard error.
    static func logger(_ configuration: ServerConfiguration) -> Logger {
        Logger(label: "portvakt", level: configuration.logLevel)
    }
}
