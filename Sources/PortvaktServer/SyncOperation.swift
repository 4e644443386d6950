import Crypto
import EventLog
import HTTPServer
import Observability
import PortvaktProtocol
import ProtocolCrypto
import StationLink
import Storage

/// `POST /api/v1/station/sync`: a docked key's signed report. The server checks the report
/// against the key's public key (binding it at the key's first dock), stores the entries with the
/// event log's `EventIngestor` in the same transaction, and answers with the issuer-signed
/// acknowledgement through the highest sequence stored, once that transaction has committed
/// (docs/station.md §5–6).
struct SyncOperation {
    let database: any Database
    let keys: ServerKeys
    let ingestion: EventIngestor
    let now: @Sendable () -> Int64
    let logger: Logger

    func sync(_ call: StationCall) throws -> HTTPResponse {
        let body = try call.decode(SyncRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        let publicKey = [UInt8](base64: body.keyPublicKey)
        if publicKey?.count != Ed25519.publicKeyLength {
            errors.append(.init(field: "keyPublicKey", message: "the key's Ed25519 public key in base64"))
        }
        let helloBytes = [UInt8](base64: body.hello)
        let hello = helloBytes.flatMap { try? SyncHello.decode($0) }
        if hello == nil { errors.append(.init(field: "hello", message: "the station's SyncHello in base64")) }
        let reportBytes = [UInt8](base64: body.report)
        if reportBytes == nil { errors.append(.init(field: "report", message: "the key's SyncReport in base64")) }
        try EmployeeRoutes.refuse(errors, "Invalid sync")
        guard let publicKey, let helloBytes, let hello, let reportBytes else { return .empty(.badRequest) }

        let report: SyncReport
        do {
            report = try keys.intake.verifyReport(reportBytes, hello: helloBytes, keyPublicKey: publicKey)
        } catch {
            throw HTTPError(
                .unprocessableContent, title: "Invalid report",
                detail: "the key's report does not decode or is not signed by this key for this hello",
                errors: [.init(field: "report", message: "a SyncReport signed by keyPublicKey over hello")])
        }
        guard report.keyID == SodiumProtocolCrypto().keyID(for: publicKey) else {
            throw HTTPError(
                .unprocessableContent, title: "Invalid report",
                detail: "the report names another key than keyPublicKey",
                errors: [.init(field: "report", message: "a report from the key with keyPublicKey")])
        }

        let time = now()
        let ingestion = try database.write { connection in
            let keyID = try bind(serial: body.keySerial, publicKey: publicKey, report: report, call.station, connection)
            let result = try self.ingestion.ingest(report: report, key: keyID, publicKey: publicKey, in: connection)
            try connection.execute(
                "UPDATE key_public_keys SET last_sync_at = $2, battery_percent = $3 WHERE key_id = $1",
                [.integer(keyID), .integer(time), .integer(Int64(report.batteryPercent))])
            try connection.execute(
                "UPDATE stations SET last_sync_at = $2 WHERE id = $1", [.integer(call.station.id), .integer(time)])
            return result
        }
        let through = ingestion.acknowledgeThrough ?? 0
        let ack = keys.intake.acknowledge(keyID: report.keyID, through: through, hello: hello)
        logger.info(
            "key synced",
            [
                "station.id": .int(Int(call.station.id)), "sync.entries_stored": .int(ingestion.entriesStored),
                "sync.entries_known": .int(ingestion.entriesKnown), "sync.findings": .int(ingestion.findingsRecorded),
                "sync.acknowledged_through": .int(Int(through)),
            ])
        return try .json(
            SyncResponse(
                ack: ack.base64, acknowledgedThrough: through, stored: ingestion.entriesStored,
                known: ingestion.entriesKnown))
    }

    /// The server's id of the key with `serial` of the station's provider, binding `publicKey` to
    /// it if it has none yet. A serial of another provider, an unregistered one, or a key
    /// enrolled with another public key is `key_unknown`, and nothing more is said.
    private func bind(
        serial: String, publicKey: [UInt8], report: SyncReport, _ station: LinkedStation,
        _ connection: any SQLConnection
    ) throws -> Int64 {
        let unknown = HTTPError(
            .notFound, type: "urn:portvakt:refusal:\(RefusalReason.keyUnknown.rawValue)", title: "Key unknown",
            detail: "this key is not known for the station's provider; contact the provider administrator")
        let row = try connection.first(
            "SELECT id FROM keys WHERE serial = $1 AND provider_id = $2",
            [.text(serial), .text(station.organisationID)])
        guard let row else { throw unknown }
        let keyID = try row.integer("id")
        let inserted = try connection.execute(
            """
            INSERT INTO key_public_keys (key_id, public_key, protocol_key_id, enrolled_at, enrolled_by_station)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING key_id
            """,
            [.integer(keyID), .blob(publicKey), .blob(report.keyID.bytes), .integer(now()), .integer(station.id)])
        if !inserted.isEmpty {
            let enrolled = EnrolledKey(keyID: String(keyID), publicKey: publicKey.base64, stationID: String(station.id))
            try ChangeRecorder(station: station.id, organisationID: station.organisationID, now: now).record(
                "key.enrol", "key", id: String(keyID), organisationID: station.organisationID, before: nil,
                after: enrolled, in: connection)
            return keyID
        }
        let bound = try connection.first("SELECT public_key FROM key_public_keys WHERE key_id = $1", [.integer(keyID)])
        guard let bound, try bound.blob("public_key") == publicKey else { throw unknown }
        return keyID
    }

    /// What the audit trail records when a key's public key is bound.
    private struct EnrolledKey: Encodable {
        var keyID: String
        var publicKey: String
        var stationID: String
    }
}
