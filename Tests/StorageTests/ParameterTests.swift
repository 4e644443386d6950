import PortvaktTesting
import Storage
import Testing

@Suite("Numbered parameters")
struct ParameterTests {
    @Test("parameters bind by number, whatever order they appear in", arguments: TestBackend.all)
    func outOfOrder(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            try test.database.write { connection in
                try connection.execute("INSERT INTO vals (t, i, id) VALUES ($3, $2, $1)", [1, 20, "third"])
            }

            let row = try test.database.read { connection in
                try connection.first("SELECT $2 AS second, $1 AS first, t FROM vals WHERE i = $2", ["one", 20])
            }
            #expect(row?["first"] == .text("one"))
            #expect(row?["second"] == .integer(20))
            #expect(row?["t"] == .text("third"))
        }
    }

    @Test("one parameter can be used several times", arguments: TestBackend.all)
    func reused(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            try test.database.write { connection in
                try connection.execute("INSERT INTO vals (id, i, r) VALUES ($1, $1, $2)", [5, 0.5])
                try connection.execute("INSERT INTO vals (id, i, r) VALUES ($1, $1 + 1, $2)", [6, 0.5])
            }

            let rows = try test.database.read { connection in
                try connection.execute("SELECT id FROM vals WHERE i = $1 OR id = $1 + 1 ORDER BY id", [5])
            }
            #expect(try rows.map { try $0.integer("id") } == [5, 6])
        }
    }

    @Test("the same statement runs again with other values and types", arguments: TestBackend.all)
    func repeated(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let values: [SQLValue] = [1, "two", 3.5, .blob([4]), nil, 6]
            let echoed = try test.database.read { connection in
                try values.map { try connection.first("SELECT $1 AS v", [$0])!["v"] }
            }
            #expect(echoed == values)
        }
    }

    @Test("too few parameters is an invalid statement", arguments: TestBackend.all)
    func tooFew(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let error = #expect(throws: StorageError.self) {
                try test.database.read { connection in
                    try connection.execute("SELECT $1 AS a, $2 AS b", [1])
                }
            }
            #expect(error?.code == .invalidStatement)
            try test.database.ping()
        }
    }
}
