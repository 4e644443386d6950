import Dispatch
import Foundation
import HTTPServer
import PortvaktTesting
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test("in-flight requests finish during shutdown and new connections are refused")
    func inFlightFinish() throws {
        let server = try TestServer.start(shutdownGrace: .seconds(5))
        let port = server.port
        let inFlight = try TestHTTPConnection(port: port)
        try inFlight.send("GET", "/slow?ms=600")
        while server.server.inFlight == 0 { usleep(1000) }

        let stopped = DispatchSemaphore(value: 0)
        let http = server.server
        DispatchQueue.global().async {
            http.shutdown()
            stopped.signal()
        }

        let response = try inFlight.readResponse()
        #expect(response.status == 200)
        #expect(response.json?["slept"] as? Int == 600)
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect(throws: TestHTTPError.self) { try TestHTTPConnection(port: port) }
        #expect(server.log.lines.contains { $0.contains("http server stopped") && $0.contains(#""http.abandoned":0"#) })
    }

    @Test("a request still running when the grace period ends is reported as abandoned")
    func gracePeriod() throws {
        let server = try TestServer.start(shutdownGrace: .milliseconds(200))
        let connection = try TestHTTPConnection(port: server.port)
        try connection.send("GET", "/slow?ms=1000")
        while server.server.inFlight == 0 { usleep(1000) }
        server.server.shutdown()
        #expect(server.log.lines.contains { $0.contains("http server stopped") && $0.contains(#""http.abandoned":1"#) })
    }
}
