import Configuration
import Foundation
import PortvaktCLI
import Station
import StationLink
import Synchronization
import Testing

@Suite("The portvakt station and key commands")
struct StationCommandTests {
    /// Runs `portvakt` in-process and captures what it prints.
    private func run(_ arguments: String...) -> (code: Int32, out: String, err: String) {
        let out = Mutex("")
        let err = Mutex("")
        let console = Console(
            out: { text in out.withLock { $0 += text } }, err: { text in err.withLock { $0 += text } })
        let code = PortvaktCLI.run(["portvakt"] + arguments, console: console)
        return (code, out.withLock { $0 }, err.withLock { $0 })
    }

    @Test("a station that is not enrolled says so, in status and when asked to run")
    func notEnrolled() throws {
        let directory = try TemporaryDirectory()
        let status = run("station", "status", "--state", directory.path)
        #expect(status.code == 0)
        #expect(status.out.contains("not enrolled"))
        let running = run("station", "run", "--state", directory.path)
        #expect(running.code == 78)
        #expect(running.err.contains("not enrolled; run 'portvakt station enrol' first"))
    }

    @Test("usage mistakes name what is wrong")
    func usage() throws {
        let directory = try TemporaryDirectory()
        #expect(run("station", "status").err.contains("--state is required"))
        #expect(run("station", "reboot", "--state", directory.path).err.contains("unknown station action 'reboot'"))
        #expect(
            run("station", "enrol", "--state", directory.path, "--server", "http://x").err.contains(
                "--code is required"))
        let https = run("station", "enrol", "--state", directory.path, "--server", "https://x", "--code", "0")
        #expect(https.code == 64)
        #expect(https.err.contains("the station speaks plain HTTP"))
        #expect(run("key", "dock", "--station", directory.path).err.contains("--key is required"))
        #expect(run("key", "dock", "--station", directory.path, "--key", "k", "--battery", "120").code == 64)
    }

    @Test("a mistyped enrolment code is refused before anything is sent")
    func badCode() throws {
        let directory = try TemporaryDirectory()
        let result = run(
            "station", "enrol", "--state", directory.path, "--server", "http://127.0.0.1:1", "--code", "U-U")
        #expect(result.code == 1)
        #expect(result.err.contains("the enrolment code is not valid"))
    }

    @Test("a server that cannot prove it knows the code is not trusted, and nothing is stored")
    func impostor() throws {
        let answer = EnrolmentResponse(
            stationID: "stn-x", organisationID: "org-x", issuerID: 1,
            linkPublicKey: Data(repeating: 1, count: 32).base64EncodedString(),
            issuerPublicKey: Data(repeating: 2, count: 32).base64EncodedString(),
            eventPublicKey: Data(repeating: 3, count: 32).base64EncodedString(),
            proof: Data(repeating: 4, count: 32).base64EncodedString())
        let body = try JSONEncoder().encode(answer)
        let impostor = try CannedTCPServer(
            answer: Array(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
                + Array(body))
        defer { impostor.stop() }
        let directory = try TemporaryDirectory()
        let code = EnrolmentCode.generate().grouped
        let result = run(
            "station", "enrol", "--state", directory.path, "--server", "http://127.0.0.1:\(impostor.port)", "--code",
            code)
        #expect(result.code == 1)
        #expect(result.err.contains("could not prove that it knows the enrolment code; nothing was stored"))
        #expect(!result.err.contains(code))
        #expect(run("station", "status", "--state", directory.path).out.contains("not enrolled"))
    }

    @Test("docking without a running station says how to start one")
    func noStation() throws {
        let directory = try TemporaryDirectory()
        let result = run("key", "dock", "--station", directory.path, "--key", directory.file("key"), "--serial", "K-1")
        #expect(result.code == 1)
        #expect(result.err.contains("is 'portvakt station run' running?"))
        #expect(FileManager.default.fileExists(atPath: directory.file("key")))
    }

    @Test("docs/configuration.md documents every station setting and its environment variable")
    func settingsDocumented() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for setting in StationSettings.all {
            #expect(text.contains("`\(setting.key)`"), "\(setting.key) is not documented")
            #expect(text.contains("`\(setting.environmentName)`"), "\(setting.environmentName) is not documented")
            if let value = setting.defaultValue {
                #expect(text.contains("| `\(setting.key)` | `\(setting.environmentName)` | `\(value)` |"))
            }
        }
    }
}
