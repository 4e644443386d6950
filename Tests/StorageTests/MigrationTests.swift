import PortvaktTesting
import Storage
import Synchronization
import Testing

@Suite("Migrations")
struct MigrationTests {
    static let first = Migration(
        version: 1, name: "people",
        sqlite: "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        postgres: "CREATE TABLE people (id BIGINT PRIMARY KEY, name TEXT NOT NULL);")
    static let second = Migration(
        version: 2, name: "keys",
        sqlite: """
            CREATE TABLE keys (id INTEGER PRIMARY KEY, person INTEGER NOT NULL REFERENCES people(id), secret BLOB);
            CREATE INDEX keys_person ON keys (person);
            """,
        postgres: """
            CREATE TABLE keys (id BIGINT PRIMARY KEY, person BIGINT NOT NULL REFERENCES people(id), secret BYTEA);
            CREATE INDEX keys_person ON keys (person);
            """)
    static let third = Migration(version: 3, name: "people email", sql: "ALTER TABLE people ADD COLUMN email TEXT;")

    @Test("pending migrations apply once, in order", arguments: TestBackend.all)
    func applyOnce(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let migrator = Migrator(migrations: [Self.second, Self.first])
            #expect(try migrator.pending(in: test.database).map(\.version) == [1, 2])

            #expect(try migrator.migrate(test.database) == [1, 2])
            #expect(try migrator.appliedVersions(in: test.database) == [1, 2])
            #expect(try migrator.pending(in: test.database).isEmpty)
            try test.database.write { connection in
                try connection.execute("INSERT INTO people (id, name) VALUES (1, 'Ada')")
                try connection.execute("INSERT INTO keys (id, person, secret) VALUES (1, 1, $1)", [.blob([1, 2])])
            }
        }
    }

    @Test("running the migrations again changes nothing", arguments: TestBackend.all)
    func idempotent(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let migrator = Migrator(migrations: [Self.first, Self.second])
            try migrator.migrate(test.database)
            try test.database.write { try $0.execute("INSERT INTO people (id, name) VALUES (1, 'Ada')") }

            #expect(try migrator.migrate(test.database) == [])
            #expect(try Migrator(migrations: [Self.first, Self.second]).migrate(test.database) == [])
            #expect(try TestTables.count("people", in: test.database) == 1)
            #expect(try TestTables.count("schema_migrations", in: test.database) == 2)
        }
    }

    @Test("a newer build applies only the migrations it adds", arguments: TestBackend.all)
    func newMigration(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try Migrator(migrations: [Self.first, Self.second]).migrate(test.database)
            try test.database.write { try $0.execute("INSERT INTO people (id, name) VALUES (1, 'Ada')") }

            #expect(try Migrator(migrations: [Self.first, Self.second, Self.third]).migrate(test.database) == [3])
            let row = try test.database.read { try $0.first("SELECT name, email FROM people WHERE id = 1") }
            #expect(row?["name"] == .text("Ada"))
            #expect(row?["email"] == .null)
        }
    }

    @Test("an applied migration whose SQL changed is refused", arguments: TestBackend.all)
    func editedMigration(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try Migrator(migrations: [Self.first]).migrate(test.database)
            let edited = Migration(
                version: 1, name: "people",
                sqlite: "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);",
                postgres: "CREATE TABLE people (id BIGINT PRIMARY KEY, name TEXT);")

            let error = #expect(throws: StorageError.self) {
                try Migrator(migrations: [edited, Self.second]).migrate(test.database)
            }
            #expect(error?.code == .schema)
            #expect(try Migrator(migrations: [Self.first]).appliedVersions(in: test.database) == [1])
        }
    }

    @Test("a database migrated by a newer build is refused", arguments: TestBackend.all)
    func newerDatabase(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try Migrator(migrations: [Self.first, Self.second, Self.third]).migrate(test.database)

            for older in [[Self.first, Self.second], []] {
                let error = #expect(throws: StorageError.self) {
                    try Migrator(migrations: older).migrate(test.database)
                }
                #expect(error?.code == .schema)
            }
        }
    }

    @Test("two servers migrating at once each apply every migration exactly once", arguments: TestBackend.all)
    func race(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let migrator = Migrator(migrations: [Self.first, Self.second, Self.third])
            let servers = [try test.open(), try test.open()]
            let applied = Mutex<[Int]>([])

            try TestThreads.run(servers.count) { index in
                let versions = try migrator.migrate(servers[index])
                applied.withLock { $0 += versions }
            }

            #expect(applied.withLock { $0.sorted() } == [1, 2, 3])
            #expect(try migrator.appliedVersions(in: test.database) == [1, 2, 3])
            #expect(try TestTables.count("schema_migrations", in: test.database) == 3)
        }
    }
}
