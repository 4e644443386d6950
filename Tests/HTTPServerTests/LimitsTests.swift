import Dispatch
import Foundation
import HTTPServer
import PortvaktTesting
import Testing

@Suite("Limits and misbehaving clients")
struct LimitsTests {
    @Test("a body declared larger than the limit gets 413 before it is read")
    func declaredTooLarge() throws {
        let server = try TestServer.start(maxBodyBytes: 1024)
        defer { server.server.shutdown() }
        let connection = try TestHTTPConnection(port: server.port)
        try connection.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n")
        let response = try connection.readResponse()
        #expect(response.status == 413)
        #expect((response.json?["detail"] as? String)?.contains("1024 bytes") == true)
        #expect(try server.get("/hello").status == 200)
    }

    @Test("a chunked body that grows past the limit gets 413")
    func chunkedTooLarge() throws {
        let server = try TestServer.start(maxBodyBytes: 1024)
        defer { server.server.shutdown() }
        let connection = try TestHTTPConnection(port: server.port)
        try connection.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "a", count: 600)
        for _ in 0..<3 {
            try connection.send(String(chunk.count, radix: 16) + "\r\n" + chunk + "\r\n")
        }
        try connection.send("0\r\n\r\n")
        let response = try connection.readResponse()
        #expect(response.status == 413)
        #expect(try server.get("/hello").status == 200)
    }

    @Test("an endless chunked body is cut off")
    func endlessChunked() throws {
        let server = try TestServer.start(maxBodyBytes: 1024)
        defer { server.server.shutdown() }
        let connection = try TestHTTPConnection(port: server.port, timeout: .seconds(5))
        try connection.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "a", count: 1000)
        var cutOff = false
        for _ in 0..<64 where !cutOff {
            do {
                try connection.send(String(chunk.count, radix: 16) + "\r\n" + chunk + "\r\n")
            } catch {
                cutOff = true
            }
        }
        #expect(cutOff || connection.waitForClose())
        #expect(try server.get("/hello").status == 200)
    }

    @Test("a body exactly at the limit is accepted")
    func atLimit() throws {
        let server = try TestServer.start(maxBodyBytes: 1024)
        defer { server.server.shutdown() }
        let name = String(repeating: "n", count: 1024 - #"{"name":"","count":1}"#.utf8.count)
        let response = try TestHTTPClient.request(
            port: server.port, "POST", "/echo", json: #"{"name":"\#(name)","count":1}"#)
        #expect(response.status == 201)
    }

    @Test("a slow client is cut off at the idle timeout while others are served")
    func slowClient() throws {
        let server = try TestServer.start(idleTimeoutSeconds: 1)
        defer { server.server.shutdown() }
        let slow = try TestHTTPConnection(port: server.port, timeout: .seconds(5))
        try slow.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Trickle: ")

        let started = Date()
        for _ in 0..<5 {
            #expect(try server.get("/hello").status == 200)
        }
        #expect(Date().timeIntervalSince(started) < 1)

        #expect(slow.waitForClose())
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test("a body trickled in under the idle timeout is still cut off at the body timeout")
    func trickledBody() throws {
        let server = try TestServer.start(idleTimeoutSeconds: 5, bodyTimeoutSeconds: 1)
        defer { server.server.shutdown() }
        let connection = try TestHTTPConnection(port: server.port, timeout: .seconds(5))
        try connection.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        let started = Date()
        var cutOff = false
        for _ in 0..<30 where !cutOff {
            usleep(200_000)
            do { try connection.send("{") } catch { cutOff = true }
        }
        #expect(cutOff || connection.waitForClose())
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try server.get("/hello").status == 200)
    }

    @Test("garbage instead of HTTP gets a 400 or is closed, and the server keeps serving")
    func garbage() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let connection = try TestHTTPConnection(port: server.port, timeout: .seconds(3))
        try connection.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC] + Array("\r\n\r\n".utf8))
        if let response = try? connection.readResponse() {
            #expect((400..<500).contains(response.status))
        } else {
            #expect(connection.waitForClose())
        }
        #expect(try server.get("/hello").status == 200)
    }

    @Test("many concurrent clients are all answered")
    func concurrentClients() throws {
        let server = try TestServer.start()
        defer { server.server.shutdown() }
        let port = server.port
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            let status = (try? TestHTTPClient.request(port: port, "GET", "/things/\(index)").status) ?? -1
            statuses.append(status)
        }
        #expect(statuses.all.count == 64)
        #expect(statuses.all.allSatisfy { $0 == 200 })
    }
}

/// Collects results from concurrent work.
final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []

    func append(_ value: Int) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var all: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
