import Foundation
import PortvaktTesting
import Testing

@Suite("portvakt serve as a process")
struct ServeProcessTests {
    @Test("SIGTERM stops the server cleanly after it has served")
    func sigterm() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-serve-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try ProcessHarness.launch(["serve", "--port", "0", "--data-dir", directory])
        defer { if process.process.isRunning { process.process.terminate() } }

        let port = try process.waitForListeningPort()
        #expect(try TestHTTPClient.request(port: port, "GET", "/readyz").status == 200)

        kill(process.process.processIdentifier, SIGTERM)
        process.process.waitUntilExit()
        #expect(process.process.terminationStatus == 0)
        let log = process.standardError()
        #expect(log.contains(#""msg":"shutdown requested""#))
        #expect(log.contains(#""msg":"http server stopped""#))
    }
}
