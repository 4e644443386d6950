import PortvaktTesting
import Storage
import Testing

@Suite("Values round-trip exactly")
struct RoundTripTests {
    static let integers: [Int64] = [.min, .max, -1, 0, 1, 42, 1 << 40]
    static let reals: [Double] = [
        0, 1.5, -2.25, .pi, 1e-300, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 0.1 + 0.2, .infinity, -.infinity,
    ]
    static let texts: [String] = [
        "", "a", "Åsa Öberg-Ström", "emoji 👩🏽‍⚕️🔐🗝️", "控制\u{01}\t\n\r\u{1F}\u{7F}", "quote ' and \" and \\x00",
        "日本語のテキスト", String(repeating: "long ", count: 300),
    ]
    static let blobs: [[UInt8]] = [[], [0], [0, 0, 0], Array(0...255), Array((0...255).reversed()), [0x5C, 0x78]]

    static let values: [SQLValue] =
        integers.map(SQLValue.integer) + reals.map(SQLValue.real) + texts.map(SQLValue.text)
        + blobs.map(SQLValue.blob) + [.null]

    @Test("every value stored in a column of its kind reads back unchanged", arguments: TestBackend.all)
    func storedValues(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            let columns = ["i", "r", "t", "b"]
            var expected: [Int64: (column: String, value: SQLValue)] = [:]
            try test.database.write { connection in
                var id: Int64 = 0
                for value in Self.values {
                    let kinds: [String]
                    switch value {
                    case .integer: kinds = ["i"]
                    case .real: kinds = ["r"]
                    case .text: kinds = ["t"]
                    case .blob: kinds = ["b"]
                    case .null: kinds = columns
                    }
                    for column in kinds {
                        id += 1
                        try connection.execute(
                            "INSERT INTO vals (id, \(column)) VALUES ($1, $2)", [.integer(id), value])
                        expected[id] = (column, value)
                    }
                }
            }

            let rows = try test.database.read { connection in
                try connection.execute("SELECT id, i, r, t, b FROM vals ORDER BY id")
            }
            #expect(rows.count == expected.count)
            for row in rows {
                let id = try row.integer("id")
                let (column, value) = try #require(expected[id])
                #expect(row[column] == value, "column \(column) of row \(id)")
                for other in columns where other != column {
                    #expect(row[other] == .null, "column \(other) of row \(id) stays NULL")
                }
            }
        }
    }

    @Test("a value selected straight from a parameter comes back unchanged", arguments: TestBackend.all)
    func selectedParameters(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try test.database.read { connection in
                for value in Self.values {
                    let echoed = try connection.first("SELECT $1 AS v", [value])?["v"]
                    #expect(echoed == value, "\(String(describing: value).prefix(80))")
                }
            }
        }
    }

    @Test("columns of the narrower SQL types read back as the matching value", arguments: TestBackend.all)
    func narrowerTypes(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let row = try test.database.read { connection in
                try connection.first(
                    """
                    SELECT CAST(7 AS SMALLINT) AS small, CAST(-70000 AS INTEGER) AS medium,
                           CAST(2.5 AS REAL) AS single, CAST(1.25 AS NUMERIC) AS decimal,
                           CAST('x' AS VARCHAR(10)) AS short, COUNT(*) AS counted, 1 = 1 AS yes, 1 = 2 AS no
                    """)
            }
            let values = try #require(row)
            #expect(values["small"] == .integer(7))
            #expect(values["medium"] == .integer(-70000))
            #expect(values["single"] == .real(2.5))
            #expect(values["decimal"] == .real(1.25))
            #expect(values["short"] == .text("x"))
            #expect(values["counted"] == .integer(1))
            #expect(try values.bool("yes") == true)
            #expect(try values.bool("no") == false)
            #expect(values["yes"] == .integer(1))
        }
    }
}
