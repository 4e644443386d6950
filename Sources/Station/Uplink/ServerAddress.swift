/// One way to reach the server: `http://host[:port][/base]`.
///
/// Plain HTTP on purpose: every station call after enrolment is sealed and authenticated end to
/// end by the station link, and enrolment is protected by its proofs (docs/station.md §3–4), so
/// the station needs no TLS stack. A path prefix is kept for servers behind a proxy under a
/// sub-path.
// Known limitation: without TLS, traffic size and timing stay visible on the network (who
// docks when, roughly how much is carried); contents and integrity are the link's.
public struct ServerAddress: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address (an IPv6 address without brackets).
    public var host: String
    /// TCP port.
    public var port: UInt16
    /// Path prefix without a trailing slash; empty for none.
    public var basePath: String

    /// Parses an address.
    ///
    /// - Throws: ``StationError`` with code `.configuration` and a message saying what is wrong.
    public init(parsing text: String) throws(StationError) {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasPrefix("http://") else {
            if trimmed.hasPrefix("https://") {
                throw StationError(
                    .configuration,
                    "\(trimmed): the station speaks plain HTTP (its link is sealed end to end); "
                        + "give the server's http:// address")
            }
            throw StationError(.configuration, "\(trimmed): a server address starts with http://")
        }
        var rest = Substring(trimmed.dropFirst("http://".count))
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        while path.hasSuffix("/") { path.removeLast() }
        var host = String(rest)
        var port: UInt16 = 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw StationError(.configuration, "\(trimmed): an IPv6 address needs a closing bracket")
            }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = UInt16(after.dropFirst()), number > 0 else {
                    throw StationError(.configuration, "\(trimmed): the port must be 1 to 65535")
                }
                port = number
            } else if !after.isEmpty {
                throw StationError(.configuration, "\(trimmed): unexpected text after the IPv6 address")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = UInt16(host[host.index(after: colon)...]), number > 0 else {
                throw StationError(.configuration, "\(trimmed): the port must be 1 to 65535")
            }
            port = number
            host = String(host[..<colon])
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "@" || $0 == " " || $0 == "?" || $0 == "#" }) else {
            throw StationError(.configuration, "\(trimmed): the host name is missing or malformed")
        }
        guard !path.contains(where: { $0 == "?" || $0 == "#" || $0 == " " }) else {
            throw StationError(.configuration, "\(trimmed): the path may not hold a query, fragment or space")
        }
        self.host = host
        self.port = port
        self.basePath = path
    }

    /// The address as text, parsable again.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost)\(port == 80 ? "" : ":\(port)")\(basePath)"
    }

    /// The `Host` header's value.
    var hostHeader: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? shownHost : "\(shownHost):\(port)"
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = String(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
