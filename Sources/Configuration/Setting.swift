/// One configuration setting: its name, default, documentation and the check its value must pass.
///
/// Settings are named with dotted keys (`http.port`) in the configuration file; the environment
/// variable is the key upper-cased with dots as underscores and a `PORTVAKT_` prefix
/// (`PORTVAKT_HTTP_PORT`).
public struct Setting: Sendable {
    /// The kind of value a setting holds, and the range it must be in.
    public enum Kind: Sendable {
        /// A whole number in the closed range.
        case integer(ClosedRange<Int>)
        /// `true` or `false` (also `yes`/`no`, `on`/`off`, `1`/`0`).
        case boolean
        /// One of a fixed set of words.
        case choice([String])
        /// Free text; `secret` values are never printed or logged.
        case text(secret: Bool)
        /// An IPv4 address in dotted-quad form.
        case ipv4Address
    }

    /// The dotted key.
    public let key: String
    /// The default value as text, or `nil` when the setting has no default.
    public let defaultValue: String?
    /// The kind and allowed range.
    public let kind: Kind
    /// What the setting does, for `--help` and docs/configuration.md.
    public let summary: String

    /// Creates a setting.
    public init(_ key: String, default defaultValue: String?, _ kind: Kind, _ summary: String) {
        self.key = key
        self.defaultValue = defaultValue
        self.kind = kind
        self.summary = summary
    }

    /// The environment variable that overrides the file.
    public var environmentName: String { Setting.environmentName(for: key) }

    /// The environment variable for a dotted key: `http.port` is `PORTVAKT_HTTP_PORT`.
    public static func environmentName(for key: String) -> String {
        "PORTVAKT_" + key.uppercased().replacing(".", with: "_")
    }

    /// Whether the value must be kept out of output and logs.
    public var isSecret: Bool {
        if case .text(secret: true) = kind { true } else { false }
    }

    /// Checks `value` against the kind and returns it normalised.
    /// - Throws: `ConfigurationError.invalidValue` naming the setting and what is allowed.
    func validate(_ value: String, from source: String) throws(ConfigurationError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .integer(let range):
            guard let number = Int(trimmed), range.contains(number) else {
                throw .invalidValue(
                    key: key, value: trimmed, source: source,
                    expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return String(number)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "on", "1": return "true"
            case "false", "no", "off", "0": return "false"
            default: throw .invalidValue(key: key, value: trimmed, source: source, expected: "true or false")
            }
        case .choice(let options):
            guard options.contains(trimmed) else {
                throw .invalidValue(
                    key: key, value: trimmed, source: source, expected: "one of " + options.joined(separator: ", "))
            }
            return trimmed
        case .ipv4Address:
            let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }) else {
                throw .invalidValue(
                    key: key, value: trimmed, source: source, expected: "an IPv4 address such as 127.0.0.1 or 0.0.0.0")
            }
            return trimmed
        case .text(let secret):
            guard !trimmed.isEmpty else {
                throw .invalidValue(
                    key: key, value: secret ? "(hidden)" : trimmed, source: source, expected: "a non-empty value")
            }
            return trimmed
        }
    }
}
