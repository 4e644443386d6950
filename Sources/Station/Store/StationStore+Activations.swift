import Storage

/// An activation fetched ahead of the shift, for docks while the server cannot be reached.
public struct PrefetchedActivation: Equatable, Sendable {
    /// The key it is for.
    public var keySerial: String
    /// That key's public key, as the server knows it.
    public var keyPublicKey: [UInt8]
    /// The Activation message, signed by the issuer.
    public var activation: [UInt8]
    /// Doors it opens.
    public var doorCount: Int
    /// Start of validity, Unix seconds.
    public var validFrom: UInt64
    /// End of validity (inclusive), Unix seconds.
    public var validUntil: UInt64

    /// An activation.
    public init(
        keySerial: String, keyPublicKey: [UInt8], activation: [UInt8], doorCount: Int, validFrom: UInt64,
        validUntil: UInt64
    ) {
        self.keySerial = keySerial
        self.keyPublicKey = keyPublicKey
        self.activation = activation
        self.doorCount = doorCount
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

extension StationStore {
    /// Replaces every prefetched activation with a fresh set, so keys no longer listed (blocked,
    /// unassigned) lose theirs.
    public func replacePrefetched(_ activations: [PrefetchedActivation], now: Int64) throws {
        try database.write { connection in
            try connection.execute("DELETE FROM prefetched_activations")
            for item in activations {
                try connection.execute(
                    """
                    INSERT INTO prefetched_activations
                        (key_serial, key_public_key, activation, door_count, valid_from, valid_until, fetched_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (key_serial) DO UPDATE SET key_public_key = excluded.key_public_key,
                        activation = excluded.activation,
                        door_count = excluded.door_count, valid_from = excluded.valid_from,
                        valid_until = excluded.valid_until, fetched_at = excluded.fetched_at
                    """,
                    [
                        .text(item.keySerial), .blob(item.keyPublicKey), .blob(item.activation),
                        .integer(Int64(item.doorCount)),
                        .integer(Int64(item.validFrom)), .integer(Int64(item.validUntil)), .integer(now),
                    ])
            }
        }
    }

    /// The prefetched activation for the key with `serial` and `publicKey` that is valid at `time`
    /// (Unix seconds), if any.
    public func prefetched(serial: String, publicKey: [UInt8], validAt time: UInt64) throws -> PrefetchedActivation? {
        try database.read { connection -> PrefetchedActivation? in
            guard
                let row = try connection.first(
                    """
                    SELECT key_serial, key_public_key, activation, door_count, valid_from, valid_until
                    FROM prefetched_activations
                    WHERE key_serial = $1 AND key_public_key = $2 AND valid_from <= $3 AND valid_until >= $3
                    """, [.text(serial), .blob(publicKey), .integer(Int64(time))])
            else { return nil }
            return PrefetchedActivation(
                keySerial: try row.text("key_serial"), keyPublicKey: try row.blob("key_public_key"),
                activation: try row.blob("activation"),
                doorCount: Int(try row.integer("door_count")), validFrom: UInt64(try row.integer("valid_from")),
                validUntil: UInt64(try row.integer("valid_until")))
        }
    }

    /// How many activations are held.
    public func prefetchedCount() throws -> Int {
        try database.read { connection in
            Int(try connection.first("SELECT COUNT(*) AS n FROM prefetched_activations")?.integer("n") ?? 0)
        }
    }
}
