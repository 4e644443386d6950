import Foundation
import HTTPServer
import PortvaktTesting
import Testing

@Suite("Requests over a real socket")
struct RequestHandlingTests {
    @Test("a JSON body is decoded and the answer encoded")
    func jsonRoundTrip() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try TestHTTPClient.request(
            port: server.port, "POST", "/echo", json: #"{"name":"door","count":3}"#)
        #expect(response.status == 201)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.json?["name"] as? String == "door")
        #expect(response.json?["count"] as? Int == 3)
    }

    @Test("malformed JSON gets a 400 problem document")
    func malformedJSON() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try TestHTTPClient.request(port: server.port, "POST", "/echo", json: #"{"name": "door", "#)
        #expect(response.status == 400)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(response.json?["title"] as? String == "Malformed JSON")
        #expect(response.json?["status"] as? Int == 400)
        #expect((response.json?["instance"] as? String)?.hasPrefix("urn:portvakt:request:") == true)
    }

    @Test("a body of the wrong shape names the offending field")
    func wrongShape() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let missing = try TestHTTPClient.request(port: server.port, "POST", "/echo", json: #"{"name":"door"}"#)
        #expect(missing.status == 400)
        #expect(missing.json?["detail"] as? String == "the field count is required")

        let mistyped = try TestHTTPClient.request(
            port: server.port, "POST", "/echo", json: #"{"name":"d","count":"x"}"#)
        #expect(mistyped.status == 400)
        #expect(mistyped.json?["detail"] as? String == "the field count must be a whole number")
        let errors = mistyped.json?["errors"] as? [[String: String]]
        #expect(errors?.first?["field"] == "count")
    }

    @Test("a member set to null is refused, naming the field, rather than read as absent")
    func nullMember() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try TestHTTPClient.request(
            port: server.port, "POST", "/echo", json: #"{"name":null,"count":1}"#)
        #expect(response.status == 400)
        #expect(response.json?["detail"] as? String == "the field name must not be null; leave it out instead")
    }

    @Test("a body that is not declared as JSON gets 415")
    func wrongContentType() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try TestHTTPClient.request(
            port: server.port, "POST", "/echo", headers: [("Content-Type", "text/plain")], body: Array("x".utf8))
        #expect(response.status == 415)
    }

    @Test("an unknown route gets a 404 problem document")
    func unknownRoute() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try server.get("/no/such/thing")
        #expect(response.status == 404)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(response.json?["detail"] as? String == "there is no resource at this address")
    }

    @Test("a wrong method gets 405 with the allowed methods")
    func wrongMethod() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try TestHTTPClient.request(port: server.port, "DELETE", "/hello")
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "GET, HEAD")
        #expect(response.json?["status"] as? Int == 405)
    }

    @Test("a handler that throws unexpectedly gets a 500, is logged, and the server keeps serving")
    func handlerThrows() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try server.get("/boom")
        #expect(response.status == 500)
        #expect((response.json?["detail"] as? String)?.contains("report request") == true)
        #expect(server.log.lines.contains { $0.contains("handler threw an unexpected error") && $0.contains("Boom") })
        #expect(try server.get("/hello").status == 200)
    }

    @Test("an HTTPError from a handler is sent as its problem document")
    func handlerHTTPError() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let response = try server.get("/teapot")
        #expect(response.status == 418)
        #expect(response.json?["detail"] as? String == "short and stout")
    }

    @Test("path parameters reach the handler and literals win")
    func pathParameters() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        #expect(try server.get("/things/abc").json?["id"] as? String == "abc")
        #expect(try server.get("/things/special").json?["id"] as? String == "literal")
    }

    @Test("every response carries the security headers and a request id")
    func securityHeaders() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        for path in ["/hello", "/missing"] {
            let response = try server.get(path)
            #expect(response.headers["x-content-type-options"] == "nosniff")
            #expect(response.headers["x-frame-options"] == "DENY")
            #expect(response.headers["referrer-policy"] == "no-referrer")
            #expect(response.headers["cache-control"] == "no-store")
            #expect(response.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers["x-request-id"]?.isEmpty == false)
            #expect(response.headers["strict-transport-security"] == nil)
        }
    }

    @Test("a kept-alive connection serves several requests")
    func keepAlive() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let connection = try TestHTTPConnection(port: server.port)
        for _ in 0..<3 {
            try connection.send("GET", "/hello")
            let response = try connection.readResponse()
            #expect(response.status == 200)
            #expect(response.headers["connection"]?.lowercased() != "close")
        }
    }

    @Test("each request is written to the access log with its route and status, and no query string")
    func accessLog() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        _ = try server.get("/things/abc?token=secret-value")
        let line = try #require(server.log.lines.first { $0.contains(#""msg":"request""#) })
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(record["http.route"] as? String == "/things/:id")
        #expect(record["http.status"] as? Int == 200)
        #expect(record["http.method"] as? String == "GET")
        #expect(record["level"] as? String == "info")
        #expect(!line.contains("secret-value"))
    }

    @Test("requests are counted in the metrics by route and status")
    func metrics() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        _ = try server.get("/hello")
        _ = try server.get("/hello")
        _ = try server.get("/missing")
        let text = server.metrics.render()
        #expect(text.contains(#"portvakt_http_requests_total{route="/hello",method="GET",status="200"} 2"#))
        #expect(text.contains(#"portvakt_http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
        #expect(text.contains(#"portvakt_http_request_duration_seconds_count{route="/hello",method="GET"} 2"#))
    }
}
