import Storage

/// What someone with administrator rights on the database does before tampering: removes the
/// triggers that keep the trail and its checkpoints append-only.
public enum AuditGuards {
    /// Drops the triggers, as a tamperer would, so a test can change the trail behind its back.
    public static func drop(in connection: any SQLConnection) throws {
        let triggers =
            connection.dialect == .sqlite
            ? [
                "audit_entries_no_update", "audit_entries_no_delete", "audit_checkpoints_anchored",
                "audit_checkpoints_no_update", "audit_checkpoints_no_delete",
            ]
            : [
                "audit_entries_no_update ON audit_entries", "audit_entries_no_delete ON audit_entries",
                "audit_checkpoints_anchored ON audit_checkpoints", "audit_checkpoints_no_change ON audit_checkpoints",
            ]
        for trigger in triggers {
            try connection.execute("DROP TRIGGER \(trigger)")
        }
    }
}
