import PortvaktTesting
import Storage
import Testing

@Suite("Rows handed over one at a time")
struct RowStreamingTests {
    /// Stores every round-trip value in its own row, so a streamed result holds each kind.
    private func seeded(_ test: TestDatabase) throws {
        try TestTables.create(TestTables.values, in: test.database)
        try test.database.write { connection in
            for (offset, value) in RoundTripTests.values.enumerated() {
                let column: String
                switch value {
                case .integer: column = "i"
                case .real: column = "r"
                case .text: column = "t"
                case .blob: column = "b"
                case .null: column = "i"
                }
                try connection.execute(
                    "INSERT INTO vals (id, \(column)) VALUES ($1, $2)", [.integer(Int64(offset + 1)), value])
            }
        }
    }

    @Test("streamed rows equal the rows execute returns, also when every row is kept", arguments: TestBackend.all)
    func sameRows(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            let sql = "SELECT id, i, r, t, b FROM vals WHERE id >= $1 ORDER BY id"
            let (collected, streamed) = try test.database.read { connection in
                var streamed: [SQLRow] = []
                try connection.forEachRow(sql, [.integer(1)]) { streamed.append($0) }
                return (try connection.execute(sql, [.integer(1)]), streamed)
            }
            #expect(collected.count == RoundTripTests.values.count)
            #expect(streamed == collected)
            #expect(streamed.map { $0.columns } == collected.map { $0.columns })
        }
    }

    @Test("an empty result never calls the body", arguments: TestBackend.all)
    func emptyResult(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            var calls = 0
            try test.database.read { connection in
                try connection.forEachRow("SELECT id FROM vals WHERE id < $1", [.integer(0)]) { _ in calls += 1 }
            }
            #expect(calls == 0)
        }
    }

    @Test(
        "an error from the body ends the query, and the statement runs again from the start", arguments: TestBackend.all
    )
    func bodyError(_ backend: TestBackend) throws {
        struct Stop: Error {}
        try backend.withDatabase { test in
            try seeded(test)
            let sql = "SELECT id FROM vals WHERE id >= $1 ORDER BY id"
            let ids = try test.database.read { connection in
                var seen: [Int64] = []
                #expect(throws: Stop.self) {
                    try connection.forEachRow(sql, [.integer(1)]) { row in
                        seen.append(try row.integer("id"))
                        if seen.count == 2 { throw Stop() }
                    }
                }
                #expect(seen == [1, 2])
                var again: [Int64] = []
                try connection.forEachRow(sql, [.integer(1)]) { again.append(try $0.integer("id")) }
                return again
            }
            #expect(ids == Array(1...Int64(RoundTripTests.values.count)))
        }
    }

    @Test("the body may run other statements on the same connection", arguments: TestBackend.all)
    func otherStatements(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try seeded(test)
            let counts = try test.database.read { connection in
                var counts: [Int64] = []
                try connection.forEachRow("SELECT id FROM vals WHERE id <= $1 ORDER BY id", [.integer(3)]) { row in
                    let below = try connection.first(
                        "SELECT count(*) AS n FROM vals WHERE id < $1", [.integer(try row.integer("id"))])
                    counts.append(try #require(below).integer("n"))
                }
                return counts
            }
            #expect(counts == [0, 1, 2])
        }
    }

    @Test("SQLite refuses to run a statement again while its rows are being read")
    func sameStatementInsideBody() throws {
        try TestBackend.sqlite.withDatabase { test in
            try seeded(test)
            let sql = "SELECT id FROM vals WHERE id <= $1 ORDER BY id"
            let error = #expect(throws: StorageError.self) {
                try test.database.read { connection in
                    try connection.forEachRow(sql, [.integer(3)]) { _ in
                        try connection.execute(sql, [.integer(3)])
                    }
                }
            }
            #expect(error?.code == .invalidStatement)
            let rows = try test.database.read { connection in try connection.execute(sql, [.integer(3)]) }
            #expect(rows.count == 3)
        }
    }

    @Test("a statement the database rejects throws a storage error", arguments: TestBackend.all)
    func rejectedStatement(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let error = #expect(throws: StorageError.self) {
                try test.database.read { connection in
                    try connection.forEachRow("SELECT nothing FROM no_such_table", []) { _ in }
                }
            }
            #expect(error?.code == .invalidStatement)
        }
    }
}
