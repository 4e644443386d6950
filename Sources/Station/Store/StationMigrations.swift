import Storage

/// The station database's schema. The station runs only on SQLite, so each migration has one SQL
/// text.
enum StationMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "station",
            sql: """
                CREATE TABLE station_identity (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    station_id TEXT NOT NULL,
                    organisation_id TEXT NOT NULL,
                    secret_seed BLOB NOT NULL,
                    public_key BLOB NOT NULL,
                    enrolled_at BIGINT NOT NULL
                );
                CREATE TABLE server_keys (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    link_public_key BLOB NOT NULL,
                    issuer_id BIGINT NOT NULL,
                    issuer_public_key BLOB NOT NULL,
                    event_public_key BLOB NOT NULL
                );
                CREATE TABLE server_addresses (
                    position INTEGER PRIMARY KEY,
                    url TEXT NOT NULL
                );
                CREATE TABLE prefetched_activations (
                    key_serial TEXT PRIMARY KEY,
                    key_public_key BLOB NOT NULL,
                    activation BLOB NOT NULL,
                    door_count BIGINT NOT NULL,
                    valid_from BIGINT NOT NULL,
                    valid_until BIGINT NOT NULL,
                    fetched_at BIGINT NOT NULL
                );
                CREATE TABLE report_queue (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    queued_at BIGINT NOT NULL,
                    key_serial TEXT NOT NULL,
                    key_public_key BLOB NOT NULL,
                    hello BLOB NOT NULL,
                    report BLOB NOT NULL,
                    entry_count BIGINT NOT NULL
                );
                CREATE TABLE station_state (
                    name TEXT PRIMARY KEY,
                    value BIGINT NOT NULL
                );
                """),
        Migration(
            version: 2, name: "report retries",
            sql: """
                ALTER TABLE report_queue ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
                ALTER TABLE report_queue ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
                ALTER TABLE report_queue ADD COLUMN last_error TEXT;
                ALTER TABLE report_queue ADD COLUMN rejected_at BIGINT;
                CREATE INDEX report_queue_due ON report_queue (rejected_at, next_attempt_at, id);
                """),
    ]
}
