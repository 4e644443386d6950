import Foundation
import Glibc
import Synchronization

/// A TCP relay on loopback between a station and its server that stops the server at a chosen
/// moment of one chosen request, and then breaks the station's connection as the stopped server
/// would have.
///
/// The station sends one request per connection (`Connection: close`), so the relay reads the
/// whole request, decides, and then passes it on, or not, byte for byte.
final class FaultyRelay: Sendable {
    /// When the server stops, relative to the chosen request.
    enum Fault: String, Sendable, CaseIterable, CustomStringConvertible {
        /// All of the request but its last byte has reached the server.
        case midRequest = "while the request is on its way"
        /// The whole request has reached the server, which may be storing it.
        case whileHandling = "the moment the whole request has reached it"
        /// The server has answered; its answer never reaches the station.
        case answerLost = "after it answered, before the answer reaches the station"

        var description: String { rawValue }
    }

    private struct Plan {
        var fault: Fault
        var path: String
        var passing: Int
        var stop: @Sendable () -> Void
    }

    /// Where the station connects.
    let port: UInt16
    private let target: UInt16
    private let listener: Int32
    private let plan = Mutex<Plan?>(nil)
    private let struck = Mutex<Fault?>(nil)

    /// A relay to the server listening on `target`.
    init(target: UInt16) throws {
        self.target = target
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound, listen(listener, 16) == 0 else { throw LiveServerError("the relay cannot listen") }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        let relay = self
        // A thread of its own: it blocks in accept until closed.
        Thread.detachNewThread {
            while true {
                let client = accept(relay.listener, nil, nil)
                guard client >= 0 else { return }
                Thread.detachNewThread { relay.serve(client) }
            }
        }
    }

    /// Stops the server with `stop` at the moment `fault` names, in the request for `path` that
    /// follows `passing` others for the same path.
    func arm(_ fault: Fault, path: String, passing: Int = 0, stop: @escaping @Sendable () -> Void) {
        plan.withLock { $0 = Plan(fault: fault, path: path, passing: passing, stop: stop) }
    }

    /// The fault that struck, once it has.
    var hasStruck: Fault? { struck.withLock { $0 } }

    /// Stops accepting connections.
    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func serve(_ client: Int32) {
        defer { Glibc.close(client) }
        Self.setTimeout(client)
        guard let request = Self.readRequest(client) else { return }
        let path = Self.path(of: request)
        let fault = plan.withLock { plan -> (Fault, @Sendable () -> Void)? in
            guard let chosen = plan, chosen.path == path else { return nil }
            guard chosen.passing == 0 else {
                plan?.passing -= 1
                return nil
            }
            plan = nil
            return (chosen.fault, chosen.stop)
        }

        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(upstream) }
        Self.setTimeout(upstream)
        var address = Self.loopback(port: target)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        // A server that is down: the station's connection closes without an answer.
        guard connected else { return }

        guard let (fault, stop) = fault else {
            Self.send(request, to: upstream)
            Self.send(Self.readToEnd(upstream), to: client)
            return
        }
        switch fault {
        case .midRequest:
            Self.send(Array(request.dropLast()), to: upstream)
            stop()
        case .whileHandling:
            Self.send(request, to: upstream)
            stop()
        case .answerLost:
            Self.send(request, to: upstream)
            _ = Self.readToEnd(upstream)
            stop()
        }
        struck.withLock { $0 = fault }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    private static func setTimeout(_ socket: Int32) {
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The request's head and its `Content-Length` body; `nil` when the connection ends early.
    private static func readRequest(_ socket: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var expected: Int?
        while expected.map({ bytes.count < $0 }) ?? true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            bytes.append(contentsOf: chunk[0..<count])
            if expected == nil, let end = bytes.firstRange(of: [13, 10, 13, 10])?.upperBound {
                let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                expected = end + (length ?? 0)
            }
        }
        return bytes
    }

    private static func path(of request: [UInt8]) -> String {
        let line = request.prefix { $0 != 13 }
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
        return parts.count > 1 ? String(parts[1]) : ""
    }

    private static func readToEnd(_ socket: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    private static func send(_ bytes: [UInt8], to socket: Int32) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return }
            offset += sent
        }
    }
}
