/// Parsed command-line flags: `--name value`, `--name=value` and bare `--switch` forms. A valued
/// flag given more than once keeps its last value in `values` and all of them, in order, in
/// `repeated`.
struct CommandLineArguments {
    private(set) var values: [String: String] = [:]
    private(set) var repeated: [String: [String]] = [:]
    private(set) var switches: Set<String> = []

    /// Parses `arguments` (without the program and subcommand names).
    /// - Parameters:
    ///   - valued: flags that take a value.
    ///   - switches: flags that stand alone.
    /// - Throws: `UsageError` for an unknown flag, a missing value or a stray argument.
    init(_ arguments: [String], valued: Set<String>, switches allowed: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { throw UsageError("unexpected argument '\(argument)'") }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if allowed.contains(name), inlineValue == nil {
                switches.insert(name)
            } else if valued.contains(name) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError("--\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                values[name] = value
                repeated[name, default: []].append(value)
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
    }
}

/// A mistake in how the command was called; printed with the command's usage and exit code 64.
struct UsageError: Error {
    let message: String

    init(_ message: String) { self.message = message }
}
