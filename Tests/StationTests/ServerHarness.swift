import Configuration
import HTTPServer
import PortvaktServer
import Storage

/// A running Portvakt server on loopback, over a test database: on a free port unless `port`
/// names one (to restart a server where its stations expect it).
struct ServerHarness {
    let app: PortvaktApp
    let server: HTTPServer

    var port: UInt16 { server.port }

    static func start(_ database: any Database, keys: ServerKeys = .generate(), port: UInt16 = 0) throws
        -> ServerHarness
    {
        var configuration = try ServerConfiguration(
            .init(
                settings: ServerSettings.all, environment: [:],
                overrides: ["http.port": String(port), "http.threads": "2"]))
        configuration.storage = .sqlite(directory: "unused")
        let app = PortvaktApp(configuration: configuration, database: database, keys: keys, logger: .disabled)
        try app.prepareDatabase()
        return ServerHarness(app: app, server: try app.start())
    }
}
