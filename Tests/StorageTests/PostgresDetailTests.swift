import PortvaktTesting
import Storage
import Testing

@testable import PostgresStorage

@Suite("PostgreSQL specifics")
struct PostgresDetailTests {
    @Test("SQLSTATEs map to the stable storage codes")
    func sqlstates() {
        let expected: [(String?, StorageError.Code)] = [
            ("23505", .uniqueViolation), ("23503", .constraintViolation), ("23502", .constraintViolation),
            ("23514", .constraintViolation), ("40001", .conflict), ("40P01", .conflict),
            ("42601", .invalidStatement), ("42P01", .invalidStatement), ("08006", .unavailable),
            ("08P01", .unavailable), ("57P01", .unavailable), (nil, .unavailable), ("22003", .backend),
            ("XX000", .backend),
        ]
        for (sqlstate, code) in expected {
            let error = StorageError.postgres(sqlstate: sqlstate, message: "m", statement: "s")
            #expect(error.code == code, "SQLSTATE \(sqlstate ?? "none")")
            #expect(error.breaksPostgresConnection == (code == .unavailable))
        }
    }

    @Test("bytea text decodes from the hex form and the old escape form")
    func bytea() {
        func decode(_ text: String) -> [UInt8]? {
            Array(text.utf8).withUnsafeBytes { PostgresRows.bytes($0) }
        }
        #expect(decode("\\x") == [])
        #expect(decode("\\x00ff7F0a") == [0, 255, 127, 10])
        #expect(decode("\\x0") == nil)
        #expect(decode("\\xzz") == nil)
        #expect(decode("ab\\000\\377") == [97, 98, 0, 255])
    }

    @Test("floats use PostgreSQL's spelling of infinity and NaN both ways")
    func specialFloats() {
        #expect(PostgresParameters.text(.infinity) == "Infinity")
        #expect(PostgresParameters.text(-.infinity) == "-Infinity")
        #expect(PostgresParameters.text(.nan) == "NaN")
        #expect(PostgresRows.real("-Infinity") == -.infinity)
        #expect(PostgresRows.real("NaN")?.isNaN == true)
        #expect(PostgresRows.real("5e-324") == .leastNonzeroMagnitude)
    }

    @Test("the target shown in logs never contains the password")
    func redaction() throws {
        let url = try PostgresDatabase(connectionString: "postgresql://care:s3cret@db.example:6432/portvakt")
        #expect(url.target == "user=care host=db.example port=6432 dbname=portvakt")
        let pairs = try PostgresDatabase(
            connectionString: "host=db.example user=care password=s3cret dbname=portvakt",
            overrides: ["dbname": "other"])
        #expect(pairs.target == "user=care host=db.example dbname=other")
        #expect(!url.target.contains("s3cret") && !pairs.target.contains("s3cret"))
    }

    @Test("a malformed connection string is refused without echoing it")
    func malformed() {
        let error = #expect(throws: StorageError.self) {
            try PostgresDatabase(connectionString: "host=db password='s3cret")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test(
        "sessions name themselves portvakt and speak UTF-8",
        arguments: TestBackend.all.filter { $0 == .postgres })
    func sessionSettings(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let row = try test.database.read { connection in
                try connection.first(
                    "SELECT current_setting('application_name') AS app, current_setting('client_encoding') AS enc")
            }
            #expect(row?["app"] == .text("portvakt"))
            #expect(row?["enc"] == .text("UTF8"))
        }
    }

    @Test(
        "a body that swallows a statement error does not commit the rest",
        arguments: TestBackend.all.filter { $0 == .postgres })
    func swallowedError(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            #expect(throws: StorageError.self) {
                try test.database.write { connection in
                    try connection.execute("INSERT INTO vals (id) VALUES (1)")
                    _ = try? connection.execute("INSERT INTO vals (id) VALUES (1)")
                }
            }
            #expect(try TestTables.count("vals", in: test.database) == 0)
        }
    }

    @Test(
        "a pooled session killed by the server is replaced without failing the next transaction",
        arguments: TestBackend.all.filter { $0 == .postgres })
    func reconnect(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let database = try test.open(poolCapacity: 1)
            let pid = try database.read { try $0.first("SELECT pg_backend_pid() AS pid")!.integer("pid") }
            try test.database.read { connection in
                try connection.execute("SELECT pg_terminate_backend(CAST($1 AS INTEGER))", [.integer(pid)])
            }

            let newPID = try database.read { try $0.first("SELECT pg_backend_pid() AS pid")!.integer("pid") }
            #expect(newPID != pid)
        }
    }
}
