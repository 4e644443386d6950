import Foundation
import Station

#if canImport(Glibc)
    import Glibc
#endif

/// `portvakt serve` running as a child process on loopback, so that its CPU time is its own and
/// not mixed with the stations' and keys' work in this process.
final class ServerProcess {
    let process: Process
    /// Where the stations reach it.
    let address: ServerAddress
    /// Its standard error: the server's JSON log lines.
    let logPath: String

    /// Starts `binary serve` with `settings` (as `PORTVAKT_*` variables) on a free loopback port
    /// and waits until `/readyz` answers 200.
    ///
    /// - Throws: ``BenchError`` when it exits or does not get ready within a minute.
    init(binary: String, settings: [String: String], logPath: String) throws {
        let port = try Self.freePort()
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PORTVAKT_") }
        for (key, value) in settings {
            environment["PORTVAKT_" + key.uppercased().replacingOccurrences(of: ".", with: "_")] = value
        }
        environment["PORTVAKT_HTTP_HOST"] = "127.0.0.1"
        environment["PORTVAKT_HTTP_PORT"] = String(port)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve"]
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        address = try ServerAddress(parsing: "http://127.0.0.1:\(port)")
        self.logPath = logPath

        let client = HTTPClient(connectTimeout: .seconds(1), readTimeout: .seconds(10))
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw BenchError("portvakt serve exited with status \(process.terminationStatus); see \(logPath)")
            }
            if let answer = try? client.send(HTTPClientRequest(method: "GET", path: "/readyz"), to: address),
                answer.status == 200
            {
                return
            }
            usleep(100_000)
        }
        stop()
        throw BenchError("portvakt serve did not get ready within a minute; see \(logPath)")
    }

    /// The server's process id.
    var pid: Int32 { process.processIdentifier }

    /// The server's CPU seconds so far.
    var cpuSeconds: Double { ProcessCPU.seconds(of: pid) ?? .nan }

    /// Asks the server to stop (SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A loopback port nothing listens on right now.
    private static func freePort() throws -> UInt16 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("cannot open a socket to find a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot bind a loopback socket to find a free port") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// Why the benchmark could not run, in a sentence.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
