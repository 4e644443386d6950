import Foundation
import HTTPServer
import Observability
import PortvaktServer
import PortvaktTesting
import Storage

/// A running Portvakt application on a free loopback port, over a fresh test database.
struct AppHarness {
    let app: PortvaktApp
    let server: HTTPServer
    let database: any Database

    var port: UInt16 { server.port }

    /// Starts the app on `database` with `keys` (fresh ones unless given); tests that move time
    /// on pass their own clock as `now`.
    static func start(
        _ database: any Database, keys: ServerKeys = .generate(),
        now: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
    ) throws -> AppHarness {
        var configuration = try ServerConfiguration(
            .init(settings: ServerSettings.all, environment: [:], overrides: ["http.port": "0", "http.threads": "2"]))
        configuration.storage = .sqlite(directory: "unused")
        let app = PortvaktApp(configuration: configuration, database: database, keys: keys, logger: .disabled, now: now)
        try app.prepareDatabase()
        return AppHarness(app: app, server: try app.start(), database: database)
    }

    func get(_ path: String) throws -> TestHTTPResponse {
        try TestHTTPClient.request(port: port, "GET", path)
    }
}
