import Configuration
import HTTPServer
import Observability
import PortvaktServer
import Storage

/// A running Portvakt server on loopback, over a test database: on a free port unless `port`
/// names one (to restart a server where its stations expect it).
struct ServerHarness {
    let app: PortvaktApp
    let server: HTTPServer

    var port: UInt16 { server.port }

    /// Starts a server.
    ///
    /// - Parameters:
    ///   - now: the server's clock, Unix milliseconds; a test that moves the station's clock moves
    ///     this one with it, since the link refuses requests more than five minutes off.
    ///   - settings: more server settings, such as `http.shutdown_grace_seconds`.
    static func start(
        _ database: any Database, keys: ServerKeys = .generate(), port: UInt16 = 0,
        now: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch },
        settings: [String: String] = [:]
    ) throws -> ServerHarness {
        var overrides = ["http.port": String(port), "http.threads": "2"]
        overrides.merge(settings) { _, given in given }
        var configuration = try ServerConfiguration(
            .init(settings: ServerSettings.all, environment: [:], overrides: overrides))
        configuration.storage = .sqlite(directory: "unused")
        let app = PortvaktApp(configuration: configuration, database: database, keys: keys, logger: .disabled, now: now)
        try app.prepareDatabase()
        return ServerHarness(app: app, server: try app.start())
    }
}
