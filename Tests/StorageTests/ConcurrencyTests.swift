import PortvaktTesting
import Storage
import Synchronization
import Testing

@Suite("Concurrent use")
struct ConcurrencyTests {
    @Test("concurrent writers incrementing one counter lose no update", arguments: TestBackend.all)
    func counter(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.counter, in: test.database)
            try test.database.write { try $0.execute("INSERT INTO counter (id, n) VALUES (1, 0)") }
            let (threads, increments) = (8, 50)
            let database = try test.open(poolCapacity: threads)

            try TestThreads.run(threads) { _ in
                for _ in 0..<increments {
                    try database.write { connection in
                        try connection.execute("UPDATE counter SET n = n + $1 WHERE id = 1", [1])
                    }
                }
            }

            let total = try database.read { try $0.first("SELECT n FROM counter WHERE id = 1")?.integer("n") }
            #expect(total == Int64(threads * increments))
        }
    }

    @Test("readers run while a writer holds its transaction open", arguments: TestBackend.all)
    func readersBesideWriter(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.counter, in: test.database)
            try test.database.write { try $0.execute("INSERT INTO counter (id, n) VALUES (1, 7)") }
            let seen = Mutex<[Int64]>([])

            try test.database.write { connection in
                try connection.execute("UPDATE counter SET n = 8 WHERE id = 1")
                try TestThreads.run(4) { _ in
                    let n = try test.database.read { try $0.first("SELECT n FROM counter")!.integer("n") }
                    seen.withLock { $0.append(n) }
                }
            }

            #expect(seen.withLock { $0 } == [7, 7, 7, 7])
        }
    }

    @Test("many threads inserting distinct rows all succeed", arguments: TestBackend.all)
    func distinctInserts(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            try TestTables.create(TestTables.values, in: test.database)
            let database = test.database

            try TestThreads.run(6) { thread in
                for row in 0..<20 {
                    try database.write { connection in
                        try connection.execute(
                            "INSERT INTO vals (id, t) VALUES ($1, $2)", [.integer(Int64(thread * 100 + row)), "x"])
                    }
                }
            }

            #expect(try TestTables.count("vals", in: database) == 120)
        }
    }
}
