/// One versioned schema change, written once per dialect where the dialects differ.
public struct Migration: Sendable {
    /// The version; migrations apply in ascending order, each exactly once.
    public let version: Int
    /// A short name, recorded with the version.
    public let name: String
    private let sqlite: String
    private let postgres: String

    /// A migration whose SQL differs between the dialects.
    public init(version: Int, name: String, sqlite: String, postgres: String) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A migration whose SQL is the same on every backend.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name, sqlite: sql, postgres: sql)
    }

    /// The SQL for `dialect`: one or more statements separated by semicolons at line ends.
    public func sql(for dialect: SQLDialect) -> String {
        dialect == .sqlite ? sqlite : postgres
    }

    /// The statements for `dialect`, split at semicolons that end a line.
    func statements(for dialect: SQLDialect) -> [String] {
        sql(for: dialect).split(separator: "\n", omittingEmptySubsequences: false)
            .reduce(into: [""]) { statements, line in
                statements[statements.count - 1] += line + "\n"
                if line.trimmingSpaces.hasSuffix(";") { statements.append("") }
            }
            .map(\.trimmingSpaces)
            .filter { !$0.isEmpty }
    }

    /// A checksum of the SQL, stored on apply, so that an edited, already applied migration is
    /// caught at start-up instead of silently diverging between databases.
    func checksum(for dialect: SQLDialect) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql(for: dialect).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let scalars = unicodeScalars.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        var trimmed = String(String.UnicodeScalarView(scalars))
        while let last = trimmed.last, last == " " || last == "\n" || last == "\t" || last == "\r" {
            trimmed.removeLast()
        }
        return trimmed
    }
}
