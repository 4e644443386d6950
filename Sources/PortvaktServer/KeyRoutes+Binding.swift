import Authorization
import Crypto
import Foundation
import HTTPServer
import PortvaktProtocol
import ProtocolCrypto
import Storage

/// A key's public-key binding: registered by its provider with the key, or made at its first
/// dock from whatever the key presented (docs/station.md §5).
extension KeyRoutes {
    /// Whether and how a key's public key is bound, as the key resource shows it.
    struct Binding: Codable, Equatable {
        /// Whether a public key is bound; an unbound key is bound at its first dock.
        var bound: Bool
        /// `registration` when the provider registered the public key with the key, `dock` when
        /// the first station it docked at bound it; absent while unbound.
        var source: String?
        /// The key's protocol identity (32 hexadecimal characters), the first 16 bytes of a hash
        /// of its public key, as reports and revocation lists name it; absent while unbound.
        var fingerprint: String?
        /// When it was bound, milliseconds since the epoch.
        var boundAt: Int64?
        /// The station that bound it at the key's first dock.
        var stationID: String?

        static let schema = JSONSchema.object(
            [
                "bound": .boolean, "source": .string(values: ["registration", "dock"]),
                "fingerprint": .string(pattern: "^[0-9a-f]{32}$"), "boundAt": .integer(),
                "stationID": .string(pattern: "^[0-9]+$"),
            ], required: ["bound"])

        init(_ row: SQLRow) throws {
            guard case .blob(let identity) = row["protocol_key_id"] ?? .null else {
                self.bound = false
                return
            }
            let station = try row.optionalInteger("enrolled_by_station")
            self.bound = true
            self.source = station == nil ? "registration" : "dock"
            self.fingerprint = identity.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            self.boundAt = try row.integer("enrolled_at")
            self.stationID = station.map { String($0) }
        }
    }

    /// The columns `find` and `list` read: the key's and its binding's.
    static let columns = """
        keys.id, provider_id, serial, status, status_changed_at, employee_id, p.protocol_key_id, p.enrolled_at,
        p.enrolled_by_station
        """

    /// The 32 bytes of an Ed25519 public key given in base64, or `nil` when it is not one.
    static func publicKey(_ text: String) -> [UInt8]? {
        guard let bytes = [UInt8](base64: text), bytes.count == Ed25519.publicKeyLength,
            (try? Ed25519.x25519PublicKey(from: bytes)) != nil
        else { return nil }
        return bytes
    }

    /// Binds the provider-registered `publicKey` to the new key `id`; a public key already bound
    /// to another key is a conflict.
    func bindRegistered(_ id: Authorization.KeyID, publicKey: [UInt8], in connection: any SQLConnection) throws {
        let identity = SodiumProtocolCrypto().keyID(for: publicKey)
        let inserted = try connection.execute(
            """
            INSERT INTO key_public_keys (key_id, public_key, protocol_key_id, enrolled_at, enrolled_by_station)
            VALUES ($1, $2, $3, $4, NULL) ON CONFLICT DO NOTHING RETURNING key_id
            """, [.integer(id.rawValue), .blob(publicKey), .blob(identity.bytes), .integer(now())])
        guard !inserted.isEmpty else {
            throw HTTPError(.conflict, detail: "this public key is already bound to another key")
        }
    }
}
