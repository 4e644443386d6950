import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately simple HTTP/1.1 client over a raw TCP socket, for tests that need to do what
/// well-behaved clients never do: send malformed or partial requests, trickle bytes, or hold a
/// connection open.
public final class TestHTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`.
    /// - Parameter timeout: how long each read may block before failing.
    public init(port: UInt16, timeout: Duration = .seconds(10)) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestHTTPError.socket("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw TestHTTPError.socket("connect to port \(port): errno \(errno)")
        }
        var interval = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(socket) }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestHTTPError.socket("send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends text as UTF-8.
    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends a complete request with `Content-Length` set from the body.
    public func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
    }

    /// Reads one response; the body is delimited by `Content-Length`, or by the connection closing.
    public func readResponse() throws -> TestHTTPResponse {
        let headEnd = try readUntil([13, 10, 13, 10])
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TestHTTPError.malformed("status line: \(head.prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body: [UInt8]
        if let length = headers["content-length"].flatMap(Int.init) {
            while buffer.count < length {
                guard try fill() else { throw TestHTTPError.malformed("connection closed inside the body") }
            }
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return TestHTTPResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server closes the connection within the read timeout (reading nothing more).
    public func waitForClose() -> Bool {
        while true {
            do {
                if try !fill() { return true }
            } catch {
                return false
            }
        }
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if buffer.count >= marker.count {
                for index in 0...(buffer.count - marker.count)
                where Array(buffer[index..<index + marker.count]) == marker {
                    return index
                }
            }
            guard try fill() else { throw TestHTTPError.closed }
        }
    }

    /// Reads more bytes; false when the peer closed the connection.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if count == 0 { return false }
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw TestHTTPError.timeout
        }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }
}

/// A response as read off the wire.
public struct TestHTTPResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Header fields, keyed by lower-cased name.
    public let headers: [String: String]
    /// The body bytes.
    public let body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, or `nil` if it is not one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }
}

/// Why a test request failed at the socket level.
public enum TestHTTPError: Error {
    case socket(String)
    case malformed(String)
    case closed
    case timeout
}

/// One-shot requests on a fresh connection each.
public enum TestHTTPClient {
    /// Sends one request and reads its response.
    public static func request(
        port: UInt16, _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> TestHTTPResponse {
        let connection = try TestHTTPConnection(port: port)
        try connection.send(method, path, headers: headers + [("Connection", "close")], body: body)
        return try connection.readResponse()
    }

    /// Sends a JSON body.
    public static func request(port: UInt16, _ method: String, _ path: String, json: String) throws -> TestHTTPResponse
    {
        try request(port: port, method, path, headers: [("Content-Type", "application/json")], body: Array(json.utf8))
    }
}
