import PortvaktTesting
import Storage
import Testing

@Suite("Errors carry stable codes")
struct ErrorTests {
    private func seeded(_ test: TestDatabase) throws {
        try TestTables.create(TestTables.people, in: test.database)
        try test.database.write { connection in
            try connection.execute("INSERT INTO households (id, name) VALUES (1, 'Lindgren')")
        }
    }

    private func code(_ database: any Database, _ sql: String) -> StorageError.Code? {
        let error = #expect(throws: StorageError.self) {
            try database.write { connection in try connection.execute(sql) }
        }
        return error?.code
    }

    @Test("a duplicate key is a unique violation", arguments: TestBackend.all)
    func duplicateKey(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            #expect(code(test.database, "INSERT INTO households (id, name) VALUES (1, 'Other')") == .uniqueViolation)
            #expect(code(test.database, "INSERT INTO households (id, name) VALUES (2, 'Lindgren')") == .uniqueViolation)
        }
    }

    @Test("a missing parent, a NULL or a failed check is a constraint violation", arguments: TestBackend.all)
    func constraints(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            let db = test.database
            #expect(code(db, "INSERT INTO visits (id, household, minutes) VALUES (1, 99, 30)") == .constraintViolation)
            #expect(
                code(db, "INSERT INTO visits (id, household, minutes) VALUES (1, NULL, 30)") == .constraintViolation)
            #expect(code(db, "INSERT INTO households (id, name) VALUES (2, NULL)") == .constraintViolation)
            #expect(code(db, "INSERT INTO visits (id, household, minutes) VALUES (1, 1, 0)") == .constraintViolation)
            #expect(try TestTables.count("visits", in: db) == 0)
        }
    }

    @Test("bad SQL is an invalid statement and the connection stays usable", arguments: TestBackend.all)
    func invalidStatement(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            let single = try test.open(poolCapacity: 1)
            #expect(code(single, "SELEC 1") == .invalidStatement)
            #expect(code(single, "SELECT * FROM no_such_table") == .invalidStatement)
            #expect(code(single, "SELECT no_such_column FROM households") == .invalidStatement)

            try single.write { connection in
                try connection.execute("INSERT INTO households (id, name) VALUES (2, 'Berg')")
            }
            #expect(try TestTables.count("households", in: single) == 2)
            #expect(single.poolStatus.open >= 1)
        }
    }

    @Test("an error names its statement but not the row's values", arguments: TestBackend.all)
    func messages(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            let error = #expect(throws: StorageError.self) {
                try test.database.write { connection in
                    try connection.execute("INSERT INTO households (id, name) VALUES ($1, $2)", [1, "Secret Name"])
                }
            }
            #expect(error?.description.contains("Secret Name") == false)

            let invalid = #expect(throws: StorageError.self) {
                try test.database.read { connection in try connection.execute("SELECT * FROM missing_table") }
            }
            #expect(invalid?.cause?.contains("missing_table") == true)
        }
    }
}
