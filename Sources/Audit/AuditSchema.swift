import Storage

/// The audit trail's table.
public enum AuditSchema {
    /// The migrations this module adds.
    public static let migrations: [Migration] = [
        Migration(
            version: 21, name: "audit trail",
            sqlite: table(bytes: "BLOB") + """
                CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """,
            postgres: table(bytes: "BYTEA") + """
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$;
                CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
                """)
    ]

    /// The table and its index; the dialects differ only in the name of the bytes type.
    private static func table(bytes: String) -> String {
        """
        CREATE TABLE audit_entries (
            sequence BIGINT PRIMARY KEY,
            at BIGINT NOT NULL,
            actor_id TEXT NOT NULL,
            actor_organisation_id TEXT NOT NULL,
            organisation_id TEXT NOT NULL,
            action TEXT NOT NULL,
            object_type TEXT NOT NULL,
            object_id TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            hash \(bytes) NOT NULL
        );
        CREATE INDEX audit_entries_by_organisation ON audit_entries (organisation_id, sequence);

        """
    }
}
