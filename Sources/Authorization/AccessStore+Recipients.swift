import Observability
import Storage

/// One period in which a provider served a recipient.
public struct ProviderPeriod: Sendable, Equatable {
    /// The provider's organisation id.
    public var provider: String
    /// When the provider took over, and when it handed over (`nil` while it still serves).
    public var period: Period
}

extension AccessStore {
    /// Registers a care recipient by alarm code alone, served by `provider` from `start`.
    ///
    /// The alarm code is the only identifying data the model holds about a recipient: no name,
    /// no personal identity number.
    /// - Throws: `AccessError` `.duplicate` when the alarm code is registered already.
    public func registerRecipient(alarmCode: String, provider: String, from start: WallTime) throws -> RecipientID {
        try database.write { connection in
            try registerRecipient(alarmCode: alarmCode, provider: provider, from: start, in: connection)
        }
    }

    /// Registers a care recipient inside the caller's transaction, so that the caller can record
    /// the change atomically with it.
    /// - Throws: as `registerRecipient(alarmCode:provider:from:)`.
    public func registerRecipient(
        alarmCode: String, provider: String, from start: WallTime, in connection: any SQLConnection
    ) throws -> RecipientID {
        let now = clock()
        return try translating(duplicate: "alarm code \(alarmCode)") {
            try requireProvider(provider, connection)
            let id = try connection.insertReturningID(
                "INSERT INTO recipients (alarm_code, created_at) VALUES ($1, $2)", [.text(alarmCode), now.sql])
            try connection.execute(
                "INSERT INTO recipient_providers (recipient_id, provider_id, valid_from) VALUES ($1, $2, $3)",
                [.integer(id), .text(provider), start.sql])
            return RecipientID(id)
        }
    }

    /// Moves a recipient to another provider from `effective` on, which may lie in the past or
    /// the future.
    ///
    /// The current provider period ends at `effective` and the new one starts there, so from
    /// that moment the old provider's grants reach nothing for this recipient and the new
    /// provider's planners may grant access; nothing has to be cleaned up by hand. History is
    /// kept.
    /// - Throws: `AccessError` `.conflict` when `provider` already serves the recipient,
    ///   `.invalidPeriod` when `effective` is not after the start of the current period (a later
    ///   change is already registered).
    public func changeProvider(of recipient: RecipientID, to provider: String, effective: WallTime) throws {
        try database.write { connection in
            try changeProvider(of: recipient, to: provider, effective: effective, in: connection)
        }
    }

    /// Moves a recipient to another provider inside the caller's transaction.
    /// - Throws: as `changeProvider(of:to:effective:)`.
    public func changeProvider(
        of recipient: RecipientID, to provider: String, effective: WallTime, in connection: any SQLConnection
    ) throws {
        try translating(duplicate: "an open provider period for recipient \(recipient)") {
            try requireProvider(provider, connection)
            let closed = try connection.execute(
                """
                UPDATE recipient_providers SET valid_to = $2
                WHERE recipient_id = $1 AND valid_to IS NULL AND valid_from < $2 AND provider_id <> $3
                RETURNING id
                """, [.integer(recipient.rawValue), effective.sql, .text(provider)])
            if closed.isEmpty { try explainRefusedChange(recipient, provider, effective, connection) }
            try connection.execute(
                "INSERT INTO recipient_providers (recipient_id, provider_id, valid_from) VALUES ($1, $2, $3)",
                [.integer(recipient.rawValue), .text(provider), effective.sql])
        }
        logger.info("provider changed", ["access.recipient_id": .int(Int(recipient.rawValue))])
    }

    /// The recipient's providers over time, oldest first.
    public func providerHistory(of recipient: RecipientID) throws -> [ProviderPeriod] {
        try database.read { connection in
            try connection.execute(
                """
                SELECT provider_id, valid_from, valid_to FROM recipient_providers
                WHERE recipient_id = $1 ORDER BY valid_from
                """, [.integer(recipient.rawValue)]
            ).map { row in
                ProviderPeriod(
                    provider: try row.text("provider_id"),
                    period: Period(
                        start: WallTime(millisecondsSinceEpoch: try row.integer("valid_from")),
                        end: try row.optionalInteger("valid_to").map(WallTime.init(millisecondsSinceEpoch:))))
            }
        }
    }

    private func explainRefusedChange(
        _ recipient: RecipientID, _ provider: String, _ effective: WallTime, _ connection: any SQLConnection
    ) throws -> Never {
        let open = try connection.first(
            "SELECT provider_id, valid_from FROM recipient_providers WHERE recipient_id = $1 AND valid_to IS NULL",
            [.integer(recipient.rawValue)])
        guard let open else { throw AccessError(.notFound, "there is no recipient \(recipient)") }
        if try open.text("provider_id") == provider {
            throw AccessError(.conflict, "recipient \(recipient) is already served by \(provider)")
        }
        let since = WallTime(millisecondsSinceEpoch: try open.integer("valid_from"))
        throw AccessError(
            .invalidPeriod,
            "recipient \(recipient) changes provider at \(since.iso8601); a new change must be dated after that")
    }
}
