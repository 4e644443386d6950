import Foundation
import Glibc

/// A loopback TCP listener for client tests: it answers each connection with fixed bytes, or,
/// with `nil`, accepts and never answers.
final class CannedTCPServer: Sendable {
    let port: UInt16
    private let descriptor: Int32

    init(answer: [UInt8]?) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound, listen(descriptor, 8) == 0 else { throw CannedServerError() }
        port = UInt16(bigEndian: address.sin_port)
        guard let answer else { return }
        let listener = descriptor
        // A thread of its own: it blocks in accept until stopped.
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var request: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while request.firstRange(of: [13, 10, 13, 10]) == nil {
                    let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    request.append(contentsOf: chunk[0..<count])
                }
                _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                shutdown(client, Int32(SHUT_WR))
                close(client)
            }
        }
    }

    /// A port on which nothing listens: bound once, then released.
    static func closedPort() throws -> UInt16 {
        let server = try CannedTCPServer(answer: nil)
        let port = server.port
        server.stop()
        return port
    }

    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}

struct CannedServerError: Error {}
