/// How the HTTP server listens and which limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    /// The IPv4 address to listen on; `127.0.0.1` keeps the server local behind a reverse proxy.
    public var host: String
    /// The TCP port; 0 picks a free one (tests read it back from `HTTPServer.port`).
    public var port: UInt16
    /// Worker threads, each running its own event loop; handlers run on them.
    public var threads: Int
    /// The largest request body accepted, in bytes; larger ones get 413.
    public var maxBodyBytes: Int
    /// Other limits for bodies sent to exact paths, in bytes, for the few routes whose valid
    /// requests are larger than ``maxBodyBytes`` (or must stay smaller).
    public var pathBodyLimits: [String: Int] = [:]
    /// Seconds a connection may stay idle or trickle data before it is closed; this is what cuts
    /// off slow clients.
    public var idleTimeoutSeconds: Int
    /// Seconds a client may take to send a whole request body; a slower upload is cut off even
    /// if each piece arrives within the idle timeout.
    public var bodyTimeoutSeconds: Int
    /// The most connections served at once.
    public var maxConnections: Int
    /// How long shutdown waits for in-flight requests before closing connections.
    public var shutdownGrace: Duration
    /// Whether to send `Strict-Transport-Security` (only meaningful behind TLS).
    public var strictTransportSecurity: Bool

    /// Creates a configuration; the defaults suit a small production server.
    public init(
        host: String = "127.0.0.1", port: UInt16 = 8080, threads: Int = 4, maxBodyBytes: Int = 1 << 20,
        idleTimeoutSeconds: Int = 15, bodyTimeoutSeconds: Int = 30, maxConnections: Int = 1000,
        shutdownGrace: Duration = .seconds(10),
        strictTransportSecurity: Bool = false
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.maxConnections = maxConnections
        self.shutdownGrace = shutdownGrace
        self.strictTransportSecurity = strictTransportSecurity
    }

    /// The largest body accepted for a request to `path`.
    public func maxBodyBytes(for path: String) -> Int {
        pathBodyLimits[path] ?? maxBodyBytes
    }
}
