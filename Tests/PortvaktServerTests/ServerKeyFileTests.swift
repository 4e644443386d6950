import Foundation
import Observability
import PortvaktServer
import Testing

@Suite("The server's key file")
struct ServerKeyFileTests {
    private func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("the first start makes the file with mode 0600, and later starts read the same keys")
    func createThenLoad() throws {
        try withDirectory { directory in
            let path = directory + "/nested/portvakt.keys"
            let sink = MemoryLogSink()
            let made = try ServerKeyFile.loadOrCreate(at: path, logger: Logger(label: "test", sink: sink))
            #expect(try mode(path) == 0o600)
            let again = try ServerKeyFile.loadOrCreate(at: path, logger: .disabled)
            #expect(again.issuer.publicKey == made.issuer.publicKey)
            #expect(again.event.publicKey == made.event.publicKey)
            #expect(again.link.publicKey == made.link.publicKey)
            #expect(made.issuer.publicKey != made.link.publicKey)

            let record = try #require(sink.lines.first { $0.contains("server keys created") })
            #expect(record.contains(made.fingerprints.issuer))
            #expect(record.contains(made.fingerprints.link))
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                !record.contains(String(text.split(separator: "\n").first { $0.hasPrefix("issuer-seed") }!.suffix(64))))
        }
    }

    @Test("a key file others may read is refused with what to do")
    func tooOpen() throws {
        try withDirectory { directory in
            let path = directory + "/portvakt.keys"
            _ = try ServerKeyFile.loadOrCreate(at: path, logger: .disabled)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let error = #expect(throws: ServerKeyError.self) { try ServerKeyFile.load(at: path) }
            #expect(error?.description.contains("chmod 600") == true)
            #expect(error == .tooOpen(path: path, mode: 0o644))
        }
    }

    @Test("a damaged key file is refused and not replaced")
    func damaged() throws {
        try withDirectory { directory in
            let path = directory + "/portvakt.keys"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(
                atPath: path, contents: Data("format = 1\nissuer-id = 1\nissuer-seed = 12\n".utf8),
                attributes: [.posixPermissions: 0o600])
            #expect(throws: ServerKeyError.damaged(path: path, field: "issuer-seed")) {
                try ServerKeyFile.loadOrCreate(at: path, logger: .disabled)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("format = 1"))
        }
    }

    @Test("a malformed line is named by its number, never quoted, since it may hold seed bits")
    func malformedLine() throws {
        try withDirectory { directory in
            let path = directory + "/portvakt.keys"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let secret = "0123456789abcdef0123456789abcdef"
            _ = FileManager.default.createFile(
                atPath: path, contents: Data("# keys\nformat = 1\n\n\(secret)\n".utf8),
                attributes: [.posixPermissions: 0o600])
            let error = #expect(throws: ServerKeyError.self) { try ServerKeyFile.load(at: path) }
            #expect(error == .damaged(path: path, field: "line 4"))
            #expect(error?.description.contains("0123") == false)
        }
    }

    @Test("a key file that belongs to another user is refused")
    func wrongOwner() throws {
        try withDirectory { directory in
            let path = directory + "/portvakt.keys"
            _ = try ServerKeyFile.loadOrCreate(at: path, logger: .disabled)
            let error = #expect(throws: ServerKeyError.self) { try ServerKeyFile.load(at: path, owner: geteuid() + 1) }
            #expect(error == .wrongOwner(path: path, owner: geteuid()))
            #expect(error?.description.contains("chown") == true)
        }
    }
}
