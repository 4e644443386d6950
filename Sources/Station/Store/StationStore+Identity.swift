import Crypto
import Storage

extension StationStore {
    /// Stores the outcome of enrolment in one transaction: the identity, its private key seed,
    /// the pinned server keys and the server addresses.
    ///
    /// - Throws: ``StationError`` with code `.enrolment` when the station is already enrolled; a
    ///   station keeps its identity, so re-enrolling needs a fresh state directory.
    public func saveEnrolment(
        stationID: String, organisationID: String, seed: [UInt8], publicKey: [UInt8], serverKeys: PinnedServerKeys,
        addresses: [ServerAddress], now: Int64
    ) throws {
        try database.write { connection in
            let inserted = try connection.execute(
                """
                INSERT INTO station_identity (singleton, station_id, organisation_id, secret_seed, public_key, enrolled_at)
                VALUES (1, $1, $2, $3, $4, $5)
                ON CONFLICT (singleton) DO NOTHING
                RETURNING station_id
                """, [.text(stationID), .text(organisationID), .blob(seed), .blob(publicKey), .integer(now)])
            guard !inserted.isEmpty else {
                throw StationError(
                    .enrolment,
                    "this state directory already belongs to an enrolled station; use a new directory to enrol again")
            }
            try connection.execute(
                """
                INSERT INTO server_keys (singleton, link_public_key, issuer_id, issuer_public_key, event_public_key)
                VALUES (1, $1, $2, $3, $4)
                """,
                [
                    .blob(serverKeys.linkPublicKey), .integer(Int64(serverKeys.issuerID)),
                    .blob(serverKeys.issuerPublicKey), .blob(serverKeys.eventPublicKey),
                ])
            try replaceAddresses(addresses, on: connection)
        }
    }

    /// The station's identity, or `nil` before enrolment.
    public func identity() throws -> StationIdentity? {
        try database.read { connection -> StationIdentity? in
            guard
                let row = try connection.first(
                    """
                    SELECT i.station_id, i.organisation_id, i.secret_seed, i.enrolled_at, k.link_public_key,
                           k.issuer_id, k.issuer_public_key, k.event_public_key
                    FROM station_identity i JOIN server_keys k ON k.singleton = i.singleton
                    """)
            else { return nil }
            let keys = PinnedServerKeys(
                linkPublicKey: try row.blob("link_public_key"), issuerID: UInt32(try row.integer("issuer_id")),
                issuerPublicKey: try row.blob("issuer_public_key"), eventPublicKey: try row.blob("event_public_key"))
            var seed = try row.blob("secret_seed")
            defer { secureZero(&seed) }
            return StationIdentity(
                stationID: try row.text("station_id"), organisationID: try row.text("organisation_id"),
                privateKey: try Ed25519.PrivateKey(seed: seed), serverKeys: keys,
                enrolledAt: try row.integer("enrolled_at"))
        }
    }

    /// The configured server addresses, in the order they are tried.
    public func serverAddresses() throws -> [ServerAddress] {
        try database.read { connection in
            try connection.execute("SELECT url FROM server_addresses ORDER BY position").map { row in
                try ServerAddress(parsing: try row.text("url"))
            }
        }
    }

    /// Replaces the server addresses.
    public func setServerAddresses(_ addresses: [ServerAddress]) throws {
        try database.write { connection in try replaceAddresses(addresses, on: connection) }
    }

    private func replaceAddresses(_ addresses: [ServerAddress], on connection: any SQLConnection) throws {
        try connection.execute("DELETE FROM server_addresses")
        for (position, address) in addresses.enumerated() {
            try connection.execute(
                "INSERT INTO server_addresses (position, url) VALUES ($1, $2)",
                [.integer(Int64(position)), .text(address.description)])
        }
    }
}
