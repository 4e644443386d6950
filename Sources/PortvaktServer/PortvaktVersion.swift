/// The release this build belongs to.
public enum PortvaktVersion {
    /// Semantic version of the server and its API.
    public static let current = "0.1.0"
    /// The major version of the HTTP API, which appears in its paths (`/api/v1`).
    public static let api = "v1"
}
