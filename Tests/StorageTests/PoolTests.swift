import PortvaktTesting
import Storage
import Testing

@Suite("Connection pool and health")
struct PoolTests {
    @Test("an exhausted pool times out within its wait limit and then recovers", arguments: TestBackend.all)
    func exhaustion(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let database = try test.open(poolCapacity: 1, waitTimeout: .milliseconds(200))
            let clock = ContinuousClock()

            try database.write { _ in
                let started = clock.now
                let error = #expect(throws: StorageError.self) {
                    try database.write { _ in }
                }
                let waited = clock.now - started
                #expect(error?.code == .poolTimeout)
                #expect(waited >= .milliseconds(150))
                #expect(waited < .seconds(2))
            }

            #expect(try database.write { try $0.first("SELECT 1 AS one")?.integer("one") } == 1)
            #expect(database.poolStatus.inUse == 0)
            #expect(database.poolStatus.waiting == 0)
        }
    }

    @Test("the pool reports connections in use and never opens more than its capacity", arguments: TestBackend.all)
    func status(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let database = try test.open(poolCapacity: 2)
            try database.ping()

            try database.read { _ in
                #expect(database.poolStatus.inUse == 1)
                try database.read { _ in #expect(database.poolStatus.inUse == 2) }
            }
            let status = database.poolStatus
            #expect(status.inUse == 0)
            #expect(status.open <= status.capacity)
            #expect(status.open >= 1)
        }
    }

    @Test("ping answers while open and reports unavailable after close", arguments: TestBackend.all)
    func pingAfterClose(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let database = try test.open()
            try database.ping()

            database.close()
            let error = #expect(throws: StorageError.self) { try database.ping() }
            #expect(error?.code == .unavailable)
            #expect(throws: StorageError.self) { try database.write { _ in } }
        }
    }

    @Test("a database nothing answers for is reported unavailable", arguments: TestBackend.all)
    func unreachable(_ backend: TestBackend) {
        let error = #expect(throws: StorageError.self) {
            let database = try backend.openUnreachable()
            defer { database.close() }
            try database.ping()
        }
        #expect(error?.code == .unavailable)
    }
}
