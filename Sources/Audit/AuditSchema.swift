import Storage

/// The audit trail's tables.
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
                """),
        Migration(
            version: 30, name: "audit retention checkpoints",
            sqlite: checkpoints(bytes: "BLOB") + sqliteGuards, postgres: checkpoints(bytes: "BYTEA") + postgresGuards),
    ]

    /// The checkpoints a purge leaves behind; see `AuditCheckpoint`.
    private static func checkpoints(bytes: String) -> String {
        """
        CREATE TABLE audit_checkpoints (
            through_sequence BIGINT PRIMARY KEY,
            through_hash \(bytes) NOT NULL,
            recorded_in BIGINT NOT NULL,
            purged BIGINT NOT NULL,
            older_than BIGINT NOT NULL,
            at BIGINT NOT NULL
        );

        """
    }

    // The guards in both dialects: an entry may be deleted only at or below the newest checkpoint,
    // and a checkpoint is accepted only after the last one, naming an existing entry with its
    // true hash, and recorded by a later `audit.purge` entry. Checkpoints are never changed or
    // deleted. So an ad-hoc DELETE is refused, and a checkpoint cannot be made without leaving
    // a purge record in the chain.

    private static let sqliteGuards = """
        CREATE TRIGGER audit_checkpoints_anchored BEFORE INSERT ON audit_checkpoints
        WHEN NEW.through_sequence <= (SELECT COALESCE(MAX(through_sequence), 0) FROM audit_checkpoints)
            OR NOT EXISTS (SELECT 1 FROM audit_entries
                WHERE sequence = NEW.through_sequence AND hash = NEW.through_hash)
            OR NOT EXISTS (SELECT 1 FROM audit_entries
                WHERE sequence = NEW.recorded_in AND sequence > NEW.through_sequence AND action = 'audit.purge')
        BEGIN SELECT RAISE(ABORT, 'an audit checkpoint must name an entry, its hash and its purge record'); END;
        CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
        CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
        DROP TRIGGER audit_entries_no_delete;
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        WHEN OLD.sequence > (SELECT COALESCE(MAX(through_sequence), 0) FROM audit_checkpoints)
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only; only the retention purge removes entries'); END;
        """

    // PostgreSQL allows no subquery in a trigger's WHEN, so the conditions are SQL functions.
    // Row triggers do not fire on TRUNCATE; statement triggers refuse it.
    private static let postgresGuards = """
        CREATE FUNCTION audit_purge_floor() RETURNS BIGINT LANGUAGE sql STABLE
        AS $$ SELECT COALESCE(MAX(through_sequence), 0) FROM audit_checkpoints $$;
        CREATE FUNCTION audit_checkpoint_anchored(BIGINT, BYTEA, BIGINT) RETURNS BOOLEAN LANGUAGE sql STABLE
        AS $$ SELECT $1 > audit_purge_floor()
            AND EXISTS (SELECT 1 FROM audit_entries WHERE sequence = $1 AND hash = $2)
            AND EXISTS (SELECT 1 FROM audit_entries
                WHERE sequence = $3 AND sequence > $1 AND action = 'audit.purge') $$;
        CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END; $$;
        CREATE TRIGGER audit_checkpoints_anchored BEFORE INSERT ON audit_checkpoints FOR EACH ROW
        WHEN (NOT audit_checkpoint_anchored(NEW.through_sequence, NEW.through_hash, NEW.recorded_in))
        EXECUTE FUNCTION audit_refuse('an audit checkpoint must name an entry, its hash and its purge record');
        CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW
        EXECUTE FUNCTION audit_refuse('audit checkpoints are append-only');
        CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT
        EXECUTE FUNCTION audit_refuse('audit checkpoints are append-only');
        DROP TRIGGER audit_entries_no_change ON audit_entries;
        CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries FOR EACH ROW
        EXECUTE FUNCTION audit_refuse('the audit trail is append-only');
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries FOR EACH ROW
        WHEN (OLD.sequence > audit_purge_floor())
        EXECUTE FUNCTION audit_refuse(
            'the audit trail is append-only; only the retention purge removes entries');
        CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT
        EXECUTE FUNCTION audit_refuse('the audit trail is append-only');
        """

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
