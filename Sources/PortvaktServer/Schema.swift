import Accounts
import Audit
import Authorization
import EventLog
import Storage

/// Portvakt's database schema as an ordered list of migrations. Applied migrations are never
/// edited: a change is a new migration appended to the list.
public enum Schema {
    /// Every migration this build knows: the access model's (migration 1, the organisations,
    /// among them), then the accounts', the audit trail's, the API's idempotency records and the
    /// sync stations' (40 to 44, then 50 on) and the event log's (45 to 49).
    public static let migrations: [Migration] =
        AuthorizationSchema.migrations + AccountsSchema.migrations + AuditSchema.migrations + [Idempotency.migration]
        + StationSchema.migrations + EventLogSchema.migrations
}
