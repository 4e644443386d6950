import Crypto
import Foundation
import PortvaktServer
import PortvaktTesting
import StationLink
import Testing

@Suite("Station enrolment over HTTP")
struct StationEnrolmentTests {
    @Test(
        "a station enrols once with its code, gets the server's keys with a proof, and shows as active",
        arguments: TestBackend.all)
    func enrolOnce(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let (id, code) = try world.createStation(bearer: world.norrAdmin)
            #expect(code.grouped.count == 23)
            let pending = try world.call("GET", "/api/v1/stations/\(id)", bearer: world.norrAdmin)
            #expect(pending.json?["status"] as? String == "pending")
            #expect(pending.json?["enrolmentCode"] == nil)
            #expect(!pending.text.contains(code.normalised) && !pending.text.contains(code.lookup))

            let key = Ed25519.PrivateKey.generate()
            let response = try world.enrolment(code, key: key)
            #expect(response.status == 200, "\(response.text)")
            let answer = try JSONDecoder().decode(EnrolmentResponse.self, from: Data(response.body))
            #expect(answer.stationID == id)
            #expect(answer.organisationID == "org-norr")
            #expect(world.bytes(answer.linkPublicKey) == world.keys.link.publicKey)
            #expect(world.bytes(answer.issuerPublicKey) == world.keys.issuer.publicKey)
            #expect(world.bytes(answer.eventPublicKey) == world.keys.event.publicKey)
            let enrolled = EnrolledKeys(
                stationID: id, organisationID: "org-norr", issuerID: world.keys.issuer.issuerID,
                stationPublicKey: key.publicKey, linkPublicKey: world.keys.link.publicKey,
                issuerPublicKey: world.keys.issuer.publicKey, eventPublicKey: world.keys.event.publicKey)
            #expect(code.key.acceptsResponseProof(world.bytes(answer.proof), for: enrolled))

            let active = try world.call("GET", "/api/v1/stations/\(id)", bearer: world.norrAdmin)
            #expect(active.json?["status"] as? String == "active")
            #expect(active.json?["enrolledAt"] as? Int64 == world.clock.now)
            #expect(try world.enrolment(code, key: Ed25519.PrivateKey.generate()).status == 403)
            #expect(try world.enrolment(code, key: key).status == 403)

            let audit = try world.call("GET", "/api/v1/audit?limit=500", bearer: world.central)
            let entries = (audit.json?["items"] as? [[String: Any]]) ?? []
            #expect(entries.contains { $0["action"] as? String == "station.create" && $0["objectID"] as? String == id })
            #expect(
                entries.contains {
                    $0["action"] as? String == "station.enrol" && $0["actorID"] as? String == "station:\(id)"
                })
            #expect(!audit.text.contains(code.normalised))
        }
    }

    @Test("a wrong code, an expired code and a revoked station's code are refused alike", arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            _ = try world.createStation()
            let wrong = try EnrolmentCode("00000-00000-00000-00000")
            let refused = try world.enrolment(wrong, key: Ed25519.PrivateKey.generate())
            #expect(refused.status == 403)

            let (_, expiring) = try world.createStation("Expiring")
            world.clock.advance(24 * 3600 * 1000)
            let expired = try world.enrolment(expiring, key: Ed25519.PrivateKey.generate())
            #expect(expired.status == 403)
            #expect(expired.json?["detail"] as? String == refused.json?["detail"] as? String)

            let (id, revokedCode) = try world.createStation("Revoked")
            let revoke = try world.call("DELETE", "/api/v1/stations/\(id)", bearer: world.norrAdmin)
            #expect(revoke.status == 200)
            #expect(revoke.json?["status"] as? String == "revoked")
            #expect(try world.call("DELETE", "/api/v1/stations/\(id)", bearer: world.norrAdmin).status == 410)
            #expect(try world.call("GET", "/api/v1/stations/\(id)", bearer: world.norrAdmin).status == 410)
            #expect(try world.enrolment(revokedCode, key: Ed25519.PrivateKey.generate()).status == 403)
            let listed = try world.call("GET", "/api/v1/stations", bearer: world.norrAdmin)
            let statuses = (listed.json?["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
            #expect(statuses == ["expired", "expired", "revoked"])
        }
    }

    @Test("five wrong proofs void the code; four do not", arguments: TestBackend.all)
    func attempts(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let key = Ed25519.PrivateKey.generate()
            let wrongProof = [UInt8](repeating: 7, count: 32)
            let (_, patient) = try world.createStation("Four tries")
            for _ in 0..<4 { #expect(try world.enrolment(patient, key: key, proof: wrongProof).status == 403) }
            #expect(try world.enrolment(patient, key: key).status == 200)

            let (_, voided) = try world.createStation("Five tries")
            let other = Ed25519.PrivateKey.generate()
            for _ in 0..<5 { #expect(try world.enrolment(voided, key: other, proof: wrongProof).status == 403) }
            #expect(try world.enrolment(voided, key: other).status == 403)
        }
    }

    @Test("malformed enrolments are refused with 422 naming each field", arguments: TestBackend.all)
    func malformed(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let response = try TestHTTPClient.request(
                port: world.harness.port, "POST", StationLink.enrolmentPath,
                json: #"{"lookup":"00","stationPublicKey":"AAAA","proof":"not base64!"}"#)
            #expect(response.status == 422)
            let fields = (response.json?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["stationPublicKey", "proof"])
        }
    }

    @Test("only administrators create stations, and only for a provider they manage", arguments: TestBackend.all)
    func creationRules(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let planner = try world.call(
                "POST", "/api/v1/stations", bearer: world.norrPlanner, json: #"{"name":"Office"}"#)
            #expect(planner.status == 403)
            let foreign = try world.call(
                "POST", "/api/v1/stations", bearer: world.norrAdmin,
                json: #"{"name":"Office","organisationID":"org-soder"}"#)
            #expect(foreign.status == 404)
            let unnamed = try world.call("POST", "/api/v1/stations", bearer: world.central, json: #"{"name":" "}"#)
            #expect(unnamed.status == 422)
            let fields = (unnamed.json?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["name", "organisationID"])
            let central = try world.call(
                "POST", "/api/v1/stations", bearer: world.central,
                json: #"{"name":"Office","organisationID":"org-central"}"#)
            #expect(central.status == 422)
            let own = try world.call("POST", "/api/v1/stations", bearer: world.norrAdmin, json: #"{"name":"Office"}"#)
            #expect(own.status == 201)
            #expect(own.json?["organisationID"] as? String == "org-norr")
            #expect(
                try world.call("GET", "/api/v1/stations", bearer: world.soderAdmin).text.contains("Office") == false)
        }
    }
}
