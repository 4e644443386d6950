import Storage

/// The tables for credentials: API tokens (and, later, admin accounts and sessions).
public enum AccountsSchema {
    /// The migrations this module adds.
    public static let migrations: [Migration] = [
        Migration(
            version: 20, name: "api tokens", sqlite: apiTokens(bytes: "BLOB"), postgres: apiTokens(bytes: "BYTEA"))
    ]

    /// The dialects differ only in the name of the bytes type.
    private static func apiTokens(bytes: String) -> String {
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL REFERENCES organisations (id),
            role TEXT NOT NULL,
            name TEXT NOT NULL,
            secret_hash \(bytes) NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            revoked_at BIGINT
        );
        CREATE INDEX api_tokens_by_organisation ON api_tokens (organisation_id, created_at);
        """
    }
}
