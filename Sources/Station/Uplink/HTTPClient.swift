#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 client over POSIX sockets, enough for the station's calls to Portvakt's
/// server: one request per connection (`Connection: close`), `Content-Length` bodies both ways,
/// a connect timeout per address and a read timeout between bytes.
///
/// Host names are resolved with `getaddrinfo`; every address found is tried in turn within the
/// connect timeout.
public struct HTTPClient: Sendable {
    /// How long to wait for a TCP connection to one address.
    public var connectTimeout: Duration
    /// How long the server may stay silent while the response is read.
    public var readTimeout: Duration
    /// The largest response body accepted.
    public var maxResponseBytes: Int
    /// Sent as `User-Agent`.
    public var userAgent: String

    /// A client; the defaults suit a LAN with mobile data as fallback.
    public init(
        connectTimeout: Duration = .seconds(3), readTimeout: Duration = .seconds(20),
        maxResponseBytes: Int = 64 * 1024 * 1024, userAgent: String = "portvakt-station"
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxResponseBytes = maxResponseBytes
        self.userAgent = userAgent
    }

    /// Sends `request` to `address` and reads the whole response.
    ///
    /// - Throws: ``HTTPClientError``: `.unreachable` when no connection could be made (try
    ///   another address), other cases when the exchange broke off or the answer is not HTTP.
    public func send(_ request: HTTPClientRequest, to address: ServerAddress) throws(HTTPClientError)
        -> HTTPClientResponse
    {
        let socket = try connect(address)
        defer { close(socket) }
        try write(request.encoded(for: address, userAgent: userAgent), to: socket)
        return try readResponse(from: socket, method: request.method)
    }

    private func connect(_ address: ServerAddress) throws(HTTPClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let list else {
            throw .unreachable(
                address.description, "cannot resolve \(address.host): " + String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var reasons: [String] = []
        var candidate: UnsafeMutablePointer<addrinfo>? = list
        while let info = candidate {
            candidate = info.pointee.ai_next
            let socket = Glibc.socket(
                info.pointee.ai_family,
                info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard socket >= 0 else {
                reasons.append("socket: " + SystemError.text(errno))
                continue
            }
            if Glibc.connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
            guard errno == EINPROGRESS else {
                reasons.append(SystemError.text(errno))
                close(socket)
                continue
            }
            var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(connectTimeout.milliseconds))
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &length)
            if ready == 1, failure == 0 { return socket }
            reasons.append(ready == 0 ? "no answer within the connect timeout" : SystemError.text(failure))
            close(socket)
        }
        throw .unreachable(address.description, reasons.joined(separator: "; "))
    }

    private func write(_ bytes: [UInt8], to socket: Int32) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EAGAIN || errno == EINTR {
                try wait(for: Int16(POLLOUT), on: socket)
            } else {
                throw .broken("sending the request failed: " + SystemError.text(errno))
            }
        }
    }

    private func readResponse(from socket: Int32, method: String) throws(HTTPClientError) -> HTTPClientResponse {
        var buffer: [UInt8] = []
        var headerEnd: Int?
        while headerEnd == nil {
            guard try fill(&buffer, from: socket) else {
                throw .broken("the server closed the connection before answering")
            }
            headerEnd = buffer.firstRange(of: [13, 10, 13, 10]).map(\.upperBound)
            if headerEnd == nil, buffer.count > 64 * 1024 { throw .malformed("the response header exceeds 64 KiB") }
        }
        guard let headerEnd else { throw .malformed("the response has no header") }
        var head = try HTTPResponseHead(Array(buffer[..<headerEnd]))
        var body = Array(buffer[headerEnd...])

        let bodyless = method == "HEAD" || head.status == 204 || head.status == 304 || head.status / 100 == 1
        if bodyless {
            body = []
        } else if head.headers["transfer-encoding"] != nil {
            throw .malformed("the server sent a chunked body; the station expects Content-Length")
        } else if let lengthText = head.headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else {
                throw .malformed("bad Content-Length '\(lengthText)'")
            }
            guard length <= maxResponseBytes else { throw .tooLarge(length) }
            while body.count < length {
                guard try fill(&body, from: socket) else {
                    throw .broken("the body ended after \(body.count) of \(length) bytes")
                }
            }
            guard body.count == length else { throw .malformed("more bytes than Content-Length followed the body") }
        } else {
            while try fill(&body, from: socket) {
                guard body.count <= maxResponseBytes else { throw .tooLarge(body.count) }
            }
        }
        head.headers.removeValue(forKey: "transfer-encoding")
        return HTTPClientResponse(status: head.status, headers: head.headers, body: body)
    }

    /// Reads what is available into `buffer`; `false` at the end of the stream.
    private func fill(_ buffer: inout [UInt8], from socket: Int32) throws(HTTPClientError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { return false }
            guard errno == EAGAIN || errno == EINTR else {
                throw .broken("reading the response failed: " + SystemError.text(errno))
            }
            try wait(for: Int16(POLLIN), on: socket)
        }
    }

    private func wait(for events: Int16, on socket: Int32) throws(HTTPClientError) {
        var poller = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let ready = poll(&poller, 1, Int32(readTimeout.milliseconds))
            if ready > 0 { return }
            if ready < 0, errno == EINTR { continue }
            throw ready == 0 ? .timedOut : .broken("poll: " + SystemError.text(errno))
        }
    }
}

/// A request for ``HTTPClient``.
public struct HTTPClientRequest: Sendable {
    /// The method, such as `POST`.
    public var method: String
    /// The path below the address's base path, starting with `/`.
    public var path: String
    /// Extra headers.
    public var headers: [(String, String)]
    /// The body, sent with `Content-Length`.
    public var body: [UInt8]

    /// A request.
    public init(method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        precondition(path.hasPrefix("/"), "request paths start with /")
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    func encoded(for address: ServerAddress, userAgent: String) -> [UInt8] {
        var head = "\(method) \(address.basePath)\(path) HTTP/1.1\r\nHost: \(address.hostHeader)\r\n"
        head += "User-Agent: \(userAgent)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            head += "Content-Length: \(body.count)\r\n"
        }
        return Array((head + "\r\n").utf8) + body
    }
}

/// A response read by ``HTTPClient``.
public struct HTTPClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers, names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]
}

/// The status line and headers of a response.
struct HTTPResponseHead {
    var status: Int
    var headers: [String: String] = [:]

    init(_ bytes: [UInt8]) throws(HTTPClientError) {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("the header is not UTF-8") }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { throw .malformed("the response is empty") }
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]),
            (100...599).contains(status)
        else { throw .malformed("the status line is not HTTP/1.x") }
        self.status = status
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("a header line has no colon") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingSpaces
        }
    }
}

/// Why an HTTP exchange failed.
public enum HTTPClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection could be made to the address; another address may work.
    case unreachable(String, String)
    /// The server did not answer within the read timeout.
    case timedOut
    /// The connection broke off.
    case broken(String)
    /// The answer is not HTTP this client understands.
    case malformed(String)
    /// The body is larger than allowed.
    case tooLarge(Int)

    /// A sentence for logs.
    public var description: String {
        switch self {
        case .unreachable(let address, let reason): "cannot connect to \(address): \(reason)"
        case .timedOut: "the server did not answer within the read timeout"
        case .broken(let reason): reason
        case .malformed(let reason): "the server's answer is not valid HTTP: \(reason)"
        case .tooLarge(let length): "the server's answer of \(length) bytes is larger than allowed"
        }
    }
}
