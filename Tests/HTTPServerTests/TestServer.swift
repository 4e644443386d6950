import HTTPServer
import Observability
import PortvaktTesting

/// A server on a free loopback port with routes that exercise the server's edges, and a memory
/// log to inspect.
struct TestServer {
    let server: HTTPServer
    let log: MemoryLogSink
    let metrics: MetricsRegistry

    var port: UInt16 { server.port }

    struct Echo: Codable {
        var name: String
        var count: Int
    }

    struct Boom: Error {}

    static func start(
        maxBodyBytes: Int = 1024, idleTimeoutSeconds: Int = 15, bodyTimeoutSeconds: Int = 30,
        shutdownGrace: Duration = .seconds(5),
        extra: (inout Router) -> Void = { _ in }
    ) throws -> TestServer {
        var router = Router()
        router.add(.get, "/hello") { _ in try .json(["greeting": "hello"]) }
        router.add(.post, "/echo") { request in
            let echo = try request.decode(Echo.self)
            return try .json(echo, status: .created)
        }
        router.add(.get, "/things/:id") { request in try .json(["id": try request.parameter("id")]) }
        router.add(.get, "/things/special") { _ in try .json(["id": "literal"]) }
        router.add(.get, "/boom") { _ in throw Boom() }
        router.add(.get, "/teapot") { _ in throw HTTPError(HTTPStatus(418, "I'm a teapot"), detail: "short and stout") }
        router.add(.get, "/slow") { request in
            let milliseconds = UInt32(request.query["ms"].flatMap(Int.init) ?? 300)
            usleep(milliseconds * 1000)
            return try .json(["slept": Int(milliseconds)])
        }
        extra(&router)

        let log = MemoryLogSink()
        let metrics = MetricsRegistry()
        let configuration = HTTPServerConfiguration(
            host: "127.0.0.1", port: 0, threads: 2, maxBodyBytes: maxBodyBytes, idleTimeoutSeconds: idleTimeoutSeconds,
            bodyTimeoutSeconds: bodyTimeoutSeconds,
            maxConnections: 100, shutdownGrace: shutdownGrace)
        let server = try HTTPServer(
            configuration: configuration, router: router, logger: Logger(label: "http", level: .info, sink: log),
            metrics: metrics)
        return TestServer(server: server, log: log, metrics: metrics)
    }

    func get(_ path: String) throws -> TestHTTPResponse {
        try TestHTTPClient.request(port: port, "GET", path)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
