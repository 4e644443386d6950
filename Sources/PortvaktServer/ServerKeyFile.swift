import Crypto
import Foundation
import Observability

#if canImport(Glibc)
    import Glibc
#endif

/// The file that holds the server's keys (`issuer.key_file`): made on first start when absent,
/// with mode 0600, and refused when anyone but its owner may read it.
///
/// The format is `key = value` lines with the seeds in hex, so an operator can see what is in
/// it without tools; several servers behind a load balancer share one copy.
public enum ServerKeyFile {
    // Known limitation: the seeds are kept in a plain file that the server's account can
    // read, not in a hardware security module; see docs/limitations.md.

    /// The file's name in the data directory when `issuer.key_file` is not set.
    public static let defaultName = "portvakt.keys"
    private static let header = """
        # Portvakt server keys (docs/station.md section 2). Whoever holds this file can issue
        # credentials and pose as this server to stations: keep it mode 0600 and back it up
        # encrypted. Servers behind one load balancer share the same file.
        """

    /// Reads the keys at `path`, or makes new ones there when no file exists, and logs their
    /// fingerprints.
    /// - Throws: ``ServerKeyError`` when the file is readable by others, unreadable or damaged.
    public static func loadOrCreate(at path: String, logger: Logger) throws -> ServerKeys {
        var created = false
        if !FileManager.default.fileExists(atPath: path) {
            created = try create(at: path)
        }
        let keys = try load(at: path)
        let fingerprints = keys.fingerprints
        logger.notice(
            created ? "server keys created" : "server keys loaded",
            [
                "keys.path": .string(path), "keys.issuer_id": .int(Int(keys.issuer.issuerID)),
                "keys.issuer": .string(fingerprints.issuer), "keys.event": .string(fingerprints.event),
                "keys.link": .string(fingerprints.link),
            ])
        return keys
    }

    /// Reads the keys at `path`.
    /// - Parameter owner: the user the file must belong to; the server's own user unless a test
    ///   says otherwise.
    /// - Throws: ``ServerKeyError`` when the file belongs to another user, is readable by others,
    ///   unreadable or damaged.
    public static func load(at path: String, owner: uid_t = geteuid()) throws -> ServerKeys {
        var status = stat()
        guard stat(path, &status) == 0 else { throw ServerKeyError.unreadable(path: path, reason: errnoText()) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw ServerKeyError.notAFile(path: path) }
        // A file another account owns can be rewritten by that account: its keys are not ours alone.
        guard status.st_uid == owner else { throw ServerKeyError.wrongOwner(path: path, owner: status.st_uid) }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw ServerKeyError.tooOpen(path: path, mode: mode) }

        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ServerKeyError.unreadable(path: path, reason: error.localizedDescription)
        }
        var values: [String: String] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            // Name the line, never its text: a malformed line may hold part of a seed.
            guard parts.count == 2 else { throw ServerKeyError.damaged(path: path, field: "line \(index + 1)") }
            values[parts[0]] = parts[1]
        }
        guard values["format"] == "1" else { throw ServerKeyError.damaged(path: path, field: "format") }
        guard let issuerID = values["issuer-id"].flatMap(UInt32.init) else {
            throw ServerKeyError.damaged(path: path, field: "issuer-id")
        }
        func seed(_ name: String) throws -> [UInt8] {
            guard let hex = values[name], let bytes = bytes(hex), bytes.count == 32 else {
                throw ServerKeyError.damaged(path: path, field: name)
            }
            return bytes
        }
        return try ServerKeys(
            issuerID: issuerID, issuerSeed: try seed("issuer-seed"), eventSeed: try seed("event-seed"),
            linkSeed: try seed("link-seed"))
    }

    /// Writes fresh keys to `path` without ever letting the file exist with a wider mode, and
    /// without replacing a file another process made meanwhile.
    /// - Returns: whether this call made the file.
    private static func create(at path: String) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ServerKeyError.unwritable(path: path, reason: error.localizedDescription)
            }
        }
        var seeds = (0..<3).map { _ in RandomBytes.generate(32) }
        defer { for index in seeds.indices { secureZero(&seeds[index]) } }
        let contents = """
            \(header)
            format = 1
            issuer-id = 1
            issuer-seed = \(ServerKeys.hex(seeds[0]))
            event-seed = \(ServerKeys.hex(seeds[1]))
            link-seed = \(ServerKeys.hex(seeds[2]))

            """

        let temporary = path + ".new-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ServerKeyError.unwritable(path: temporary, reason: errnoText()) }
        defer { unlink(temporary) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            throw ServerKeyError.unwritable(path: temporary, reason: errnoText())
        }
        // link() refuses to replace an existing file: if another server made one first, use it.
        if link(temporary, path) != 0 {
            guard errno == EEXIST else { throw ServerKeyError.unwritable(path: path, reason: errnoText()) }
            return false
        }
        try syncDirectory(of: path)
        return true
    }

    /// Makes the new directory entry durable, so a crash right after the first start cannot
    /// lose the file that stations have meanwhile enrolled against.
    private static func syncDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw ServerKeyError.unwritable(path: directory, reason: errnoText()) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ServerKeyError.unwritable(path: directory, reason: errnoText()) }
    }

    private static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            result.append(byte)
        }
        return result
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// Why the server's key file could not be used; each case says what to do.
public enum ServerKeyError: Error, Equatable, CustomStringConvertible {
    /// Others than the owner may read or write the file.
    case tooOpen(path: String, mode: mode_t)
    /// The path is a directory or something else than a file.
    case notAFile(path: String)
    /// The file belongs to another user than the server's.
    case wrongOwner(path: String, owner: uid_t)
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// The file or its directory cannot be written.
    case unwritable(path: String, reason: String)
    /// A field is missing or malformed.
    case damaged(path: String, field: String)

    public var description: String {
        switch self {
        case .tooOpen(let path, let mode):
            "the key file \(path) has mode \(String(mode, radix: 8)), so others may read the server's keys; "
                + "run 'chmod 600 \(path)', and make new keys if others may have copied it"
        case .notAFile(let path):
            "the key file \(path) is not a regular file; point issuer.key_file at a file"
        case .wrongOwner(let path, let owner):
            "the key file \(path) belongs to user \(owner), not to the server's user \(geteuid()), so another "
                + "account may change the server's keys; run 'chown' to give it to the server's user"
        case .unreadable(let path, let reason):
            "cannot read the key file \(path): \(reason); check issuer.key_file and the file's owner"
        case .unwritable(let path, let reason):
            "cannot create the key file \(path): \(reason); check that its directory is writable"
        case .damaged(let path, let field):
            "the key file \(path) is damaged at \(field); restore it from the backup"
        }
    }
}
