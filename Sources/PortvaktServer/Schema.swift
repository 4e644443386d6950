import Accounts
import Audit
import Storage

/// Portvakt's database schema as an ordered list of migrations. Applied migrations are never
/// edited: a change is a new migration appended to the list.
public enum Schema {
    /// Every migration this build knows.
    public static let migrations: [Migration] = core + AccountsSchema.migrations + AuditSchema.migrations

    private static let core: [Migration] = [
        Migration(
            version: 1, name: "organisations",
            sql: """
                CREATE TABLE organisations (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('central', 'provider')),
                    name TEXT NOT NULL UNIQUE,
                    created_at BIGINT NOT NULL
                );
                """)
    ]
}
