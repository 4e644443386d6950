import CredentialIssuer
import PortvaktProtocol
import Storage

/// Builds the issuer's revocation list from the database: every key with an enrolled public key
/// that was reported lost or retired within the last credential lifetime (protocol §3.4).
///
/// The version is the time, in Unix seconds, of the newest change that put a key on the list
/// (its block, or the enrolment of a key blocked before), so every server derives the same
/// version from the same data and it only ever rises.
struct RevocationListSource {
    let keys: ServerKeys

    /// The longest credential the server issues, and so how long an entry stays on the list.
    static let maxCredentialLifetime: UInt64 = 16 * 3600

    /// The current version, cheap enough for every heartbeat.
    func version(_ connection: any SQLConnection) throws -> UInt32 {
        let row = try connection.first(
            """
            SELECT MAX(CASE WHEN k.status_changed_at > p.enrolled_at THEN k.status_changed_at ELSE p.enrolled_at END)
                AS newest
            FROM keys k JOIN key_public_keys p ON p.key_id = k.id WHERE k.status IN ('lost', 'retired')
            """)
        let newest = try row?.optionalInteger("newest") ?? 0
        return UInt32(clamping: max(1, newest / 1000))
    }

    /// The signed list as of `now` (Unix milliseconds).
    func build(now: Int64, _ connection: any SQLConnection) throws -> RevocationList {
        let version = try version(connection)
        var builder = RevocationListBuilder(
            signingKey: keys.issuer, maxCredentialLifetime: Self.maxCredentialLifetime, lastVersion: version - 1)
        let since = now - Int64(Self.maxCredentialLifetime) * 1000
        let rows = try connection.execute(
            """
            SELECT p.protocol_key_id, k.status_changed_at FROM keys k JOIN key_public_keys p ON p.key_id = k.id
            WHERE k.status IN ('lost', 'retired') AND k.status_changed_at >= $1
            """, [.integer(since)])
        for row in rows {
            guard let keyID = KeyID(try row.blob("protocol_key_id")) else { continue }
            builder.block(keyID, at: UInt64(max(0, try row.integer("status_changed_at") / 1000)))
        }
        return builder.build(now: UInt64(max(0, now / 1000)))
    }
}
