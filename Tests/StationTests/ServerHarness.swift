import Configuration
import HTTPServer
import PortvaktServer
import Storage

/// A running Portvakt server on a free loopback port, over a test database.
struct ServerHarness {
    let app: PortvaktApp
    let server: HTTPServer

    var port: UInt16 { server.port }

    static func start(_ database: any Database, keys: ServerKeys = .generate()) throws -> ServerHarness {
        var configuration = try ServerConfiguration(
            .init(settings: ServerSettings.all, environment: [:], overrides: ["http.port": "0", "http.threads": "2"]))
        configuration.storage = .sqlite(directory: "unused")
        let app = PortvaktApp(configuration: configuration, database: database, keys: keys, logger: .disabled)
        try app.prepareDatabase()
        return ServerHarness(app: app, server: try app.start())
    }
}
