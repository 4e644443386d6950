/// Why configuration could not be loaded. Every case names the setting and where its value came
/// from, so that the person starting Portvakt knows what to fix.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A value does not fit its setting.
    case invalidValue(key: String, value: String, source: String, expected: String)
    /// The file names a setting that does not exist (often a typo).
    case unknownSetting(key: String, source: String)
    /// A required setting has no value.
    case missing(key: String, environmentName: String)
    /// A line of the file is not `key = value`.
    case malformedLine(source: String, line: String)
    /// The file cannot be read.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidValue(let key, let value, let source, let expected):
            "setting \(key) has the value \"\(value)\" (from \(source)); it must be \(expected)"
        case .unknownSetting(let key, let source):
            "unknown setting \(key) (from \(source)); see docs/configuration.md for the settings Portvakt knows"
        case .missing(let key, let environmentName):
            "setting \(key) is required; set it in the configuration file or as \(environmentName)"
        case .malformedLine(let source, let line):
            "cannot read \(source): \"\(line)\" is not of the form key = value"
        case .unreadableFile(let path, let reason):
            "cannot read the configuration file \(path): \(reason)"
        }
    }
}
