import Foundation
import PortvaktTesting
import Testing

@testable import Station

@Suite("HTTP client and uplink")
struct HTTPClientTests {
    let client = HTTPClient(connectTimeout: .seconds(5), readTimeout: .seconds(20))

    @Test("it reads the real server's /healthz answer and a problem document")
    func realServer() throws {
        try TestBackend.sqlite.withDatabase { test in
            let harness = try ServerHarness.start(test.database)
            defer { harness.server.shutdown() }
            let address = try ServerAddress(parsing: "http://127.0.0.1:\(harness.port)")

            let health = try client.send(HTTPClientRequest(method: "GET", path: "/healthz"), to: address)
            #expect(health.status == 200)
            #expect(health.headers["content-type"]?.hasPrefix("application/json") == true)
            let json = try JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any]
            #expect(json?["status"] as? String == "ok")

            let refused = try client.send(
                HTTPClientRequest(
                    method: "POST", path: "/api/v1/tokens", headers: [("Content-Type", "application/json")],
                    body: Array("{}".utf8)), to: address)
            #expect(refused.status == 401)
            #expect(refused.headers["content-type"] == "application/problem+json")
            #expect(refused.body.count == Int(refused.headers["content-length"] ?? "") ?? -1)
        }
    }

    @Test("the uplink fails over to the second address when the first refuses, and back when it returns")
    func failover() throws {
        try TestBackend.sqlite.withDatabase { test in
            let harness = try ServerHarness.start(test.database)
            defer { harness.server.shutdown() }
            let dead = try ServerAddress(parsing: "http://127.0.0.1:\(try CannedTCPServer.closedPort())")
            let proxy = try CannedTCPServer(
                answer: Array("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            defer { proxy.stop() }
            let gateway = try ServerAddress(parsing: "http://127.0.0.1:\(proxy.port)")
            let live = try ServerAddress(parsing: "http://127.0.0.1:\(harness.port)")

            let uplink = Uplink(addresses: [dead, gateway, live], client: client)
            let response = try uplink.send(HTTPClientRequest(method: "GET", path: "/healthz"))
            #expect(response.status == 200)
            #expect(uplink.addressInUse == live)

            let preferred = Uplink(addresses: [live, dead], client: client)
            _ = try preferred.send(HTTPClientRequest(method: "GET", path: "/healthz"))
            #expect(preferred.addressInUse == live)
        }
    }

    @Test("when no address answers, the error names each address's failure")
    func allDown() throws {
        let first = try ServerAddress(parsing: "http://127.0.0.1:\(try CannedTCPServer.closedPort())")
        let second = try ServerAddress(parsing: "http://127.0.0.1:\(try CannedTCPServer.closedPort())")
        let uplink = Uplink(addresses: [first, second], client: client)
        do {
            _ = try uplink.send(HTTPClientRequest(method: "GET", path: "/healthz"))
            Issue.record("an uplink with no live address answered")
        } catch {
            #expect(error.code == .unreachable)
            #expect(error.cause?.contains(first.description) == true)
            #expect(error.cause?.contains(second.description) == true)
            #expect(error.cause?.contains("Connection refused") == true)
        }
        #expect(uplink.addressInUse == nil)
    }

    @Test("a server that never answers times out, and one that answers garbage is reported as such")
    func silentAndGarbage() throws {
        let silent = try CannedTCPServer(answer: nil)
        defer { silent.stop() }
        let started = ContinuousClock.now
        let impatient = HTTPClient(connectTimeout: .seconds(2), readTimeout: .milliseconds(500))
        #expect(throws: HTTPClientError.timedOut) {
            try impatient.send(
                HTTPClientRequest(method: "GET", path: "/healthz"),
                to: try ServerAddress(parsing: "http://127.0.0.1:\(silent.port)"))
        }
        #expect(ContinuousClock.now - started < .seconds(10))

        let garbage = try CannedTCPServer(answer: Array("SSH-2.0-OpenSSH\r\n\r\n".utf8))
        defer { garbage.stop() }
        #expect(throws: HTTPClientError.malformed("the status line is not HTTP/1.x")) {
            try client.send(
                HTTPClientRequest(method: "GET", path: "/"),
                to: try ServerAddress(parsing: "http://127.0.0.1:\(garbage.port)"))
        }

        let short = try CannedTCPServer(answer: Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8))
        defer { short.stop() }
        #expect(throws: HTTPClientError.broken("the body ended after 3 of 10 bytes")) {
            try client.send(
                HTTPClientRequest(method: "GET", path: "/"),
                to: try ServerAddress(parsing: "http://127.0.0.1:\(short.port)"))
        }
    }

    @Test("server addresses parse with ports, IPv6 and a base path, and https is refused with the reason")
    func addresses() throws {
        let plain = try ServerAddress(parsing: " http://portvakt.example.org/ ")
        #expect(plain.host == "portvakt.example.org")
        #expect(plain.port == 80)
        #expect(plain.basePath == "")
        let full = try ServerAddress(parsing: "http://10.1.2.3:8080/portvakt")
        #expect(full.port == 8080)
        #expect(full.basePath == "/portvakt")
        #expect(full.description == "http://10.1.2.3:8080/portvakt")
        let six = try ServerAddress(parsing: "http://[::1]:9000")
        #expect(six.host == "::1")
        #expect(six.description == "http://[::1]:9000")
        #expect(try ServerAddress(parsing: six.description) == six)

        for bad in [
            "https://portvakt.example.org", "ftp://x", "http://", "http://host:0", "http://host:99999", "http://h/a?b",
        ] {
            #expect(throws: StationError.self) { try ServerAddress(parsing: bad) }
        }
    }
}
