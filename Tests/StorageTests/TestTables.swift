import Storage

/// Tables the conformance tests use, declared in each dialect's own types.
enum TestTables {
    /// One column of each value kind.
    static let values = (
        sqlite: "CREATE TABLE vals (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)",
        postgres: "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, t TEXT, b BYTEA)"
    )

    /// A single counter row, for contention tests.
    static let counter = (
        sqlite: "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
        postgres: "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)"
    )

    /// A parent and a child with a foreign key, a unique name and a check.
    static let people = (
        sqlite: """
        CREATE TABLE households (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            household INTEGER NOT NULL REFERENCES households(id),
            minutes INTEGER NOT NULL CHECK (minutes > 0)
        );
        """,
        postgres: """
        CREATE TABLE households (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE visits (
            id BIGINT PRIMARY KEY,
            household BIGINT NOT NULL REFERENCES households(id),
            minutes BIGINT NOT NULL CHECK (minutes > 0)
        );
        """
    )

    /// Creates a table from SQL written per dialect, through a migration as the server would.
    static func create(_ table: (sqlite: String, postgres: String), in database: any Database) throws {
        let migration = Migration(version: 1, name: "test tables", sqlite: table.sqlite, postgres: table.postgres)
        try Migrator(migrations: [migration]).migrate(database)
    }

    /// The number of rows in `table`.
    static func count(_ table: String, in database: any Database) throws -> Int64 {
        try database.read { connection in
            try connection.first("SELECT COUNT(*) AS n FROM \(table)")!.integer("n")
        }
    }
}
