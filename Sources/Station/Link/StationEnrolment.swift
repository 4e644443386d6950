import Crypto
import Foundation
import StationLink

/// Enrols a station with a one-time code (docs/station.md §4): makes the station's key pair,
/// proves knowledge of the code without sending it, and stores the server's keys only when the
/// server proves it knows the code too.
public enum StationEnrolment {
    /// Enrols the station whose state is in `store` at the first of `addresses` that answers.
    ///
    /// - Returns: the stored identity.
    /// - Throws: ``StationError`` with code `.enrolment` when the code is malformed, the station
    ///   is already enrolled, the server refuses, or the server's proof does not verify (nothing
    ///   is stored then); `.unreachable` when no address answered.
    @discardableResult
    public static func enrol(
        code text: String, addresses: [ServerAddress], store: StationStore, client: HTTPClient = HTTPClient(),
        now: Int64
    ) throws -> StationIdentity {
        let code: EnrolmentCode
        do {
            code = try EnrolmentCode(text)
        } catch {
            throw StationError(.enrolment, error.description)
        }
        if let existing = try store.identity() {
            throw StationError(
                .enrolment,
                "this state directory already holds station \(existing.stationID); use a new directory to enrol again")
        }

        var seed = RandomBytes.generate(Ed25519.seedLength)
        defer { secureZero(&seed) }
        let privateKey = try Ed25519.PrivateKey(seed: seed)
        let key = code.key
        let request = EnrolmentRequest(
            lookup: code.lookup, stationPublicKey: Data(privateKey.publicKey).base64EncodedString(),
            proof: Data(key.requestProof(stationPublicKey: privateKey.publicKey)).base64EncodedString())
        let response = try Uplink(addresses: addresses, client: client).send(
            HTTPClientRequest(
                method: "POST", path: StationLink.enrolmentPath, headers: [("Content-Type", "application/json")],
                body: Array(try JSONEncoder().encode(request))))
        guard response.status == 200 || response.status == 201 else {
            let refusal = JSONStationAPI.refusal(
                operation: "the enrolment", status: response.status, body: response.body)
            throw StationError(
                .enrolment, refusal.message + ". Check the code, or ask an administrator for a new one",
                cause: refusal.cause)
        }

        let answer: EnrolmentResponse
        do {
            answer = try JSONDecoder().decode(EnrolmentResponse.self, from: Data(response.body))
        } catch {
            throw StationError(.enrolment, "the server's enrolment answer does not follow the API", cause: "\(error)")
        }
        guard let link = decodeKey(answer.linkPublicKey), let issuer = decodeKey(answer.issuerPublicKey),
            let event = decodeKey(answer.eventPublicKey), let proof = Data(base64Encoded: answer.proof)
        else { throw StationError(.enrolment, "the server's enrolment answer holds a malformed key or proof") }
        let keys = EnrolledKeys(
            stationID: answer.stationID, organisationID: answer.organisationID, issuerID: answer.issuerID,
            stationPublicKey: privateKey.publicKey, linkPublicKey: link, issuerPublicKey: issuer, eventPublicKey: event)
        guard key.acceptsResponseProof(Array(proof), for: keys) else {
            throw StationError(
                .enrolment,
                "the server could not prove that it knows the enrolment code; nothing was stored. "
                    + "Check the server address: this may not be your Portvakt server")
        }

        let pinned = PinnedServerKeys(
            linkPublicKey: link, issuerID: answer.issuerID, issuerPublicKey: issuer, eventPublicKey: event)
        try store.saveEnrolment(
            stationID: answer.stationID, organisationID: answer.organisationID, seed: seed,
            publicKey: privateKey.publicKey, serverKeys: pinned, addresses: addresses, now: now)
        return StationIdentity(
            stationID: answer.stationID, organisationID: answer.organisationID, privateKey: privateKey,
            serverKeys: pinned, enrolledAt: now)
    }

    private static func decodeKey(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text), data.count == 32 else { return nil }
        return Array(data)
    }
}
