import Foundation

/// Validated settings, resolved from defaults, then a configuration file, then the environment,
/// then explicit overrides (such as command-line flags), each overriding the one before.
public struct Configuration: Sendable {
    /// The settings this configuration knows.
    public let settings: [Setting]
    private let values: [String: String]

    /// Loads and validates every setting at once, so a wrong value stops start-up immediately.
    /// - Parameters:
    ///   - settings: the known settings.
    ///   - defaults: values that replace settings' built-in defaults (a command's own defaults).
    ///   - file: a configuration file path; `nil` for none.
    ///   - environment: the process environment (injectable for tests).
    ///   - overrides: values that win over everything else, keyed by dotted key.
    /// - Throws: `ConfigurationError` naming the offending setting and its source.
    public init(
        settings: [Setting], defaults: [String: String] = [:], file: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:]
    ) throws(ConfigurationError) {
        self.settings = settings
        let byKey = Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0) })
        var values: [String: String] = [:]
        for setting in settings {
            if let value = defaults[setting.key] ?? setting.defaultValue { values[setting.key] = value }
        }
        if let file {
            for (key, value, source) in try Configuration.read(file: file) {
                guard let setting = byKey[key] else { throw .unknownSetting(key: key, source: source) }
                values[key] = try setting.validate(value, from: source)
            }
        }
        for setting in settings {
            if let value = environment[setting.environmentName] {
                values[setting.key] = try setting.validate(
                    value, from: "environment variable \(setting.environmentName)")
            }
        }
        for (key, value) in overrides {
            guard let setting = byKey[key] else { throw .unknownSetting(key: key, source: "command line") }
            values[key] = try setting.validate(value, from: "command line")
        }
        for setting in settings {
            guard let value = values[setting.key] else { continue }
            values[setting.key] = try setting.validate(value, from: "default")
        }
        self.values = values
    }

    /// The text value of `key`, or `nil` when unset.
    public func text(_ key: String) -> String? { values[key] }

    /// The text value of a required setting.
    /// - Throws: `ConfigurationError.missing` when it has no value.
    public func required(_ key: String) throws(ConfigurationError) -> String {
        guard let value = values[key] else {
            throw .missing(key: key, environmentName: setting(key).environmentName)
        }
        return value
    }

    /// The integer value of `key`. Values were validated at load, so this only traps on a key
    /// that was never declared as an integer setting (a programming error).
    public func integer(_ key: String) -> Int {
        guard let value = values[key].flatMap({ Int($0) }) else {
            preconditionFailure("\(key) is not an integer setting")
        }
        return value
    }

    /// The boolean value of `key` (validated at load).
    public func boolean(_ key: String) -> Bool { values[key] == "true" }

    /// Every setting with its effective value, secrets hidden; for `portvakt config`.
    public var redactedValues: [(key: String, value: String)] {
        settings.map { setting in
            let value = values[setting.key].map { setting.isSecret ? "(set, hidden)" : $0 } ?? "(unset)"
            return (setting.key, value)
        }
    }

    private func setting(_ key: String) -> Setting {
        guard let setting = settings.first(where: { $0.key == key }) else {
            preconditionFailure("unknown setting \(key)")
        }
        return setting
    }

    /// Reads `key = value` lines. Lines whose first non-blank character is `#` are comments, and
    /// blank lines are skipped; `#` inside a value is kept, since passwords may contain it.
    static func read(file path: String) throws(ConfigurationError) -> [(String, String, String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
        var entries: [(String, String, String)] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let source = "\(path) line \(number + 1)"
            guard let equals = trimmed.firstIndex(of: "=") else { throw .malformedLine(source: source, line: trimmed) }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw .malformedLine(source: source, line: trimmed) }
            entries.append((key, value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")), source))
        }
        return entries
    }
}
