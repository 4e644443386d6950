import Configuration
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Operations endpoints")
struct OperationsEndpointTests {
    @Test("/healthz answers while the process is up", arguments: TestBackend.all)
    func healthz(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            let response = try harness.get("/healthz")
            #expect(response.status == 200)
            #expect(response.json?["status"] as? String == "ok")
        }
    }

    @Test("/readyz reports the database, and 503 once it is gone", arguments: TestBackend.all)
    func readyz(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let database = try test.open()
            let harness = try AppHarness.start(database)
            defer { harness.server.shutdown() }
            let ready = try harness.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.json?["database"] as? String == "ok")

            database.close()
            let gone = try harness.get("/readyz")
            #expect(gone.status == 503)
            #expect(gone.json?["status"] as? String == "unavailable")
            #expect(try harness.get("/healthz").status == 200)
        }
    }

    @Test("/metrics exposes request counts, latency and the database pool", arguments: TestBackend.all)
    func metrics(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            _ = try harness.get("/readyz")
            let response = try harness.get("/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(
                response.text.contains(#"portvakt_http_requests_total{route="/readyz",method="GET",status="200"} 1"#))
            #expect(response.text.contains("# TYPE portvakt_http_request_duration_seconds histogram"))
            #expect(response.text.contains(#"portvakt_db_pool_connections{state="capacity"}"#))
            #expect(response.text.contains(#"portvakt_db_pool_connections{state="in_use"} 0"#))
        }
    }

    @Test("the version endpoint and the landing page answer")
    func versionAndLanding() throws {
        try TestBackend.sqlite.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            let version = try harness.get("/api/v1/version")
            #expect(version.json?["version"] as? String == PortvaktVersion.current)
            #expect(version.json?["api"] as? String == "v1")
            let landing = try harness.get("/")
            #expect(landing.headers["content-type"] == "text/html; charset=utf-8")
            #expect(landing.text.contains("<h1>Portvakt</h1>"))
        }
    }

    @Test("the schema migrates on start and demo data seeds once", arguments: TestBackend.all)
    func demoSeed(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            #expect(try DemoData.seed(test.database) == DemoData.organisations.count)
            #expect(try DemoData.seed(test.database) == 0)
            let count = try test.database.read { connection in
                try connection.first("SELECT COUNT(*) AS n FROM organisations")?.integer("n")
            }
            #expect(count == Int64(DemoData.organisations.count))
        }
    }
}
