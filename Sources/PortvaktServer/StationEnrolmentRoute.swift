import Crypto
import HTTPServer
import Observability
import StationLink
import Storage

/// `POST /api/v1/station-enrolment`: the one public station route. A new station proves it knows
/// its one-time code without sending it, and gets the server's keys with the server's own proof
/// (docs/station.md §4).
struct StationEnrolmentRoute {
    let database: any Database
    let keys: ServerKeys
    let now: @Sendable () -> Int64
    let logger: Logger

    /// Wrong proofs after which a code is void.
    static let maxAttempts: Int64 = 5

    private enum Outcome {
        /// Enrolled; the code's key, read before binding cleared it, signs the answer.
        case enrolled(id: Int64, organisationID: String, key: EnrolmentKey)
        case refused(station: Int64?, reason: String)
    }

    func register(in api: inout APIRouter) {
        let base64Key = JSONSchema.string(minLength: 44, maxLength: 44)
        let route = self
        api.addPublic(
            .post, StationLink.enrolmentPath, summary: "Enrol a sync station with its one-time code",
            OpenAPIOperation(
                tag: "stations", id: "enrolStation",
                body: .object(
                    [
                        "lookup": .string(pattern: "^[0-9a-f]{32}$"), "stationPublicKey": base64Key,
                        "proof": base64Key,
                    ], required: ["lookup", "stationPublicKey", "proof"], additional: true),
                success: (
                    .ok,
                    .object(
                        [
                            "stationID": .string(pattern: "^[0-9]+$"), "organisationID": .string(),
                            "issuerID": .integer(minimum: 0, maximum: Int64(UInt32.max)), "linkPublicKey": base64Key,
                            "issuerPublicKey": base64Key, "eventPublicKey": base64Key, "proof": base64Key,
                        ],
                        required: [
                            "stationID", "organisationID", "issuerID", "linkPublicKey", "issuerPublicKey",
                            "eventPublicKey", "proof",
                        ])
                ), errors: [.forbidden, .unprocessableContent], authenticated: false)
        ) { try route.enrol($0) }
    }

    private func enrol(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try request.decode(EnrolmentRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        let stationKey = [UInt8](base64: body.stationPublicKey)
        if stationKey.map({ (try? Ed25519.x25519PublicKey(from: $0)) == nil }) ?? true {
            errors.append(.init(field: "stationPublicKey", message: "the station's Ed25519 public key in base64"))
        }
        let proof = [UInt8](base64: body.proof)
        if proof?.count != EnrolmentKey.length {
            errors.append(.init(field: "proof", message: "the 32-byte enrolment proof in base64"))
        }
        try EmployeeRoutes.refuse(errors, "Invalid enrolment")
        guard let stationKey, let proof else { return .empty(.badRequest) }

        let time = now()
        let outcome = try database.write { connection in
            try enrol(lookup: body.lookup, stationKey: stationKey, proof: proof, at: time, connection)
        }
        switch outcome {
        case .refused(let station, let reason):
            logger.notice(
                "station enrolment refused",
                ["station.id": station.map { .int(Int($0)) } ?? .string("none"), "station.reason": .string(reason)])
            throw HTTPError(
                .forbidden,
                detail: "the enrolment code is not valid: it may be mistyped, already used, expired, revoked, or void "
                    + "after \(Self.maxAttempts) wrong tries; ask an administrator for a new station and code")
        case .enrolled(let id, let organisationID, let key):
            logger.notice("station enrolled", ["station.id": .int(Int(id))])
            let enrolled = EnrolledKeys(
                stationID: String(id), organisationID: organisationID, issuerID: keys.issuer.issuerID,
                stationPublicKey: stationKey, linkPublicKey: keys.link.publicKey,
                issuerPublicKey: keys.issuer.publicKey, eventPublicKey: keys.event.publicKey)
            return try .json(
                EnrolmentResponse(
                    stationID: enrolled.stationID, organisationID: enrolled.organisationID, issuerID: enrolled.issuerID,
                    linkPublicKey: enrolled.linkPublicKey.base64, issuerPublicKey: enrolled.issuerPublicKey.base64,
                    eventPublicKey: enrolled.eventPublicKey.base64, proof: key.responseProof(for: enrolled).base64))
        }
    }

    // Known limitation: the pending code's MAC key is stored as it is (it is a hash of the
    // code, and the server needs it to check the proof), so someone who reads the database
    // before the station enrols can enrol it; see docs/limitations.md.

    /// Checks the proof and binds the key. A wrong proof is counted and committed, so five of them
    /// void the code whatever happens to the request; binding succeeds in one statement only while
    /// the code is unused, unexpired, unrevoked and not void.
    private func enrol(
        lookup: String, stationKey: [UInt8], proof: [UInt8], at time: Int64, _ connection: any SQLConnection
    ) throws -> Outcome {
        let pending = try connection.first(
            """
            SELECT id, enrolment_key FROM stations
            WHERE enrolment_lookup = $1 AND public_key IS NULL AND revoked_at IS NULL AND enrolment_expires_at > $2
                AND enrolment_attempts < $3
            """, [.text(lookup), .integer(time), .integer(Self.maxAttempts)])
        guard let pending else { return .refused(station: nil, reason: "no usable code has this lookup") }
        let id = try pending.integer("id")
        guard let key = try? EnrolmentKey(stored: try pending.blob("enrolment_key")),
            key.acceptsRequestProof(proof, stationPublicKey: stationKey)
        else {
            try connection.execute(
                "UPDATE stations SET enrolment_attempts = enrolment_attempts + 1 WHERE id = $1", [.integer(id)])
            return .refused(station: id, reason: "wrong proof")
        }
        if try connection.first("SELECT id FROM stations WHERE public_key = $1", [.blob(stationKey)]) != nil {
            return .refused(station: id, reason: "the public key is another station's")
        }
        let before = try StationRecord.find(id, scope: nil, now: time, connection)
        let bound = try connection.first(
            """
            UPDATE stations SET public_key = $2, enrolled_at = $3, enrolment_lookup = NULL, enrolment_key = NULL
            WHERE id = $1 AND public_key IS NULL AND revoked_at IS NULL AND enrolment_expires_at > $3
                AND enrolment_attempts < $4
            RETURNING organisation_id
            """, [.integer(id), .blob(stationKey), .integer(time), .integer(Self.maxAttempts)])
        guard let bound else { return .refused(station: id, reason: "the code was used meanwhile") }
        let organisationID = try bound.text("organisation_id")
        let after = try StationRecord.find(id, scope: nil, now: time, connection)
        try ChangeRecorder(station: id, organisationID: organisationID, now: now).record(
            "station.enrol", "station", id: after.id, organisationID: organisationID, before: before, after: after,
            in: connection)
        return .enrolled(id: id, organisationID: organisationID, key: key)
    }

}
