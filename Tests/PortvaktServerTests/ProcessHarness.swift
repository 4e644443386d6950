import Foundation
import Synchronization

/// Runs the built `portvakt` executable as a child process and reads its log.
struct ProcessHarness {
    let process: Process
    private let errors: Pipe
    private let collected: Collected

    private final class Collected: Sendable {
        let text = Mutex("")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The package's build directory holds the executable next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/portvakt")
    }

    static func launch(_ arguments: [String]) throws -> ProcessHarness {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "\(executable.path) is missing; run `swift build` first")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let collected = Collected()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        return ProcessHarness(process: process, errors: errors, collected: collected)
    }

    func standardError() -> String {
        usleep(100_000)
        return collected.text.withLock { $0 }
    }

    /// Waits for the "http server listening" record and returns its port.
    func waitForListeningPort(timeout: TimeInterval = 20) throws -> UInt16 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = collected.text.withLock { $0 }
            for line in text.split(separator: "\n") where line.contains("http server listening") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let port = object["http.port"] as? Int
                {
                    return UInt16(port)
                }
            }
            if !process.isRunning { throw Failure(description: "portvakt exited early: \(text)") }
            usleep(20_000)
        }
        throw Failure(description: "portvakt did not start listening in time")
    }

    /// A socket listening on a free loopback port, to make a port busy.
    static func listeningSocket() throws -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot bind a loopback socket") }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }
}
