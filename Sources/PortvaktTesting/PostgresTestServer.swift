import Foundation
import PostgresStorage
import Storage
import Synchronization

/// The PostgreSQL server named by `PORTVAKT_TEST_POSTGRES_URL`, where each test gets a database
/// of its own, so tests run in parallel without seeing each other's rows, locks or migrations.
final class PostgresTestServer: Sendable {
    private static let instance = Mutex<PostgresTestServer?>(nil)

    /// The server's URL, as given.
    let url: String
    /// A connection to the URL's own database, for creating and dropping test databases.
    private let maintenance: PostgresDatabase

    private init(url: String) throws {
        self.url = url
        maintenance = try PostgresDatabase(connectionString: url, poolCapacity: 2)
    }

    /// The server for this test process.
    /// - Throws: `TestSetupError` when no URL is set (the PostgreSQL cases run only then, or
    ///   when `PORTVAKT_REQUIRE_POSTGRES=1` demands them).
    static func shared() throws -> PostgresTestServer {
        try instance.withLock { instance in
            if let instance { return instance }
            guard let url = TestBackend.postgresURL else {
                throw TestSetupError(
                    description: "\(TestBackend.requirePostgresVariable)=1 but \(TestBackend.postgresURLVariable) "
                        + "is not set; run the tests through scripts/with-postgres")
            }
            let server = try PostgresTestServer(url: url)
            instance = server
            return server
        }
    }

    /// Creates an empty database with a unique name and returns the name.
    func createDatabase() throws -> String {
        let name = "portvakt_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try maintenance.withoutTransaction { connection in
            try connection.execute("CREATE DATABASE \(name)")
        }
        return name
    }

    /// Drops a test database, ending any session a test left open.
    func dropDatabase(_ name: String) {
        _ = try? maintenance.withoutTransaction { connection in
            try connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
