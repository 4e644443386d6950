import PortvaktTesting
import Storage
import Testing

@Suite("Transactions")
struct TransactionTests {
    struct Abort: Error {}

    @Test("a write commits when its body returns", arguments: TestBackend.all)
    func commit(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            let returned = try test.database.write { connection in
                try connection.execute("INSERT INTO vals (id, t) VALUES (1, 'kept')")
                return "done"
            }

            #expect(returned == "done")
            let other = try test.open()
            #expect(try TestTables.count("vals", in: other) == 1)
        }
    }

    @Test("a write rolls back when its body throws, leaving no rows", arguments: TestBackend.all)
    func rollback(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            #expect(throws: Abort.self) {
                try test.database.write { connection in
                    try connection.execute("INSERT INTO vals (id, t) VALUES (1, 'first')")
                    try connection.execute("INSERT INTO vals (id, t) VALUES (2, 'second')")
                    throw Abort()
                }
            }

            #expect(try TestTables.count("vals", in: test.database) == 0)
        }
    }

    @Test("a write rolls back when one of its statements fails", arguments: TestBackend.all)
    func rollbackOnStatementError(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            #expect(throws: StorageError.self) {
                try test.database.write { connection in
                    try connection.execute("INSERT INTO vals (id, t) VALUES (1, 'first')")
                    try connection.execute("INSERT INTO vals (id, t) VALUES (1, 'duplicate')")
                }
            }

            #expect(try TestTables.count("vals", in: test.database) == 0)
        }
    }

    @Test("uncommitted rows are visible inside their own transaction only", arguments: TestBackend.all)
    func isolation(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            try test.database.write { connection in
                try connection.execute("INSERT INTO vals (id, t) VALUES (1, 'pending')")
                #expect(try connection.first("SELECT COUNT(*) AS n FROM vals")?.integer("n") == 1)
                #expect(try TestTables.count("vals", in: test.database) == 0)
            }
            #expect(try TestTables.count("vals", in: test.database) == 1)
        }
    }

    @Test("a read sees one snapshot even while a write commits", arguments: TestBackend.all)
    func snapshot(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            try test.database.write { try $0.execute("INSERT INTO vals (id, i) VALUES (1, 100)") }

            let (before, after) = try test.database.read { connection in
                let before = try connection.execute("SELECT id, i FROM vals ORDER BY id")
                try test.database.write { writer in
                    try writer.execute("UPDATE vals SET i = 200 WHERE id = 1")
                    try writer.execute("INSERT INTO vals (id, i) VALUES (2, 300)")
                }
                return (before, try connection.execute("SELECT id, i FROM vals ORDER BY id"))
            }

            #expect(before == after)
            #expect(try after.map { try $0.integer("i") } == [100])
            #expect(try TestTables.count("vals", in: test.database) == 2)
        }
    }

    @Test("a read transaction refuses to write", arguments: TestBackend.all)
    func readOnly(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            #expect(throws: StorageError.self) {
                try test.database.read { connection in
                    try connection.execute("INSERT INTO vals (id, t) VALUES (1, 'sneaky')")
                }
            }

            #expect(try TestTables.count("vals", in: test.database) == 0)
        }
    }
}
