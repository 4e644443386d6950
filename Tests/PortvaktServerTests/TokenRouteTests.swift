import Accounts
import Foundation
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("API tokens over HTTP")
struct TokenRouteTests {
    /// A running app with demo organisations and one bearer per (organisation, role) asked for.
    private struct Setup {
        let harness: AppHarness
        let central: String
        let norrAdmin: String
        let norrPlanner: String
        let soderAdmin: String
    }

    private func withSetup(_ backend: TestBackend, _ body: (Setup) throws -> Void) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func bearer(_ organisation: String, _ role: Role) throws -> String {
                try BootstrapTokens.create(
                    organisationID: organisation, role: role, name: "test", days: 1, database: test.database, now: now,
                    actor: "test"
                ).bearer
            }
            try body(
                Setup(
                    harness: harness, central: try bearer("org-central", .centralAdministrator),
                    norrAdmin: try bearer("org-norr", .providerAdministrator),
                    norrPlanner: try bearer("org-norr", .planner),
                    soderAdmin: try bearer("org-soder", .providerAdministrator)))
        }
    }

    private func call(
        _ setup: Setup, _ method: String, _ path: String, bearer: String?, json: String? = nil
    ) throws -> TestHTTPResponse {
        var headers: [(String, String)] = []
        if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
        if json != nil { headers.append(("Content-Type", "application/json")) }
        return try TestHTTPClient.request(
            port: setup.harness.port, method, path, headers: headers, body: Array((json ?? "").utf8))
    }

    @Test("without a valid token every API route answers 401 with a Bearer challenge", arguments: TestBackend.all)
    func unauthenticated(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            for (method, path) in [("GET", "/api/v1/tokens"), ("POST", "/api/v1/tokens"), ("GET", "/api/v1/audit")] {
                for bearer in [
                    nil, "pvt_nonsense",
                    "pvt_" + String(repeating: "a", count: 24) + "_" + String(repeating: "A", count: 43),
                ] {
                    let response = try call(setup, method, path, bearer: bearer, json: method == "POST" ? "{}" : nil)
                    #expect(response.status == 401, "\(method) \(path)")
                    #expect(response.headers["www-authenticate"] == #"Bearer realm="portvakt""#)
                }
            }
        }
    }

    @Test("a provider administrator creates a planner token that then works", arguments: TestBackend.all)
    func createAndUse(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let created = try call(
                setup, "POST", "/api/v1/tokens", bearer: setup.norrAdmin,
                json: #"{"name":"route planning","role":"planner","lifetimeDays":30}"#)
            #expect(created.status == 201)
            let bearer = try #require(created.json?["bearer"] as? String)
            let token = try #require(created.json?["token"] as? [String: Any])
            #expect(token["organisationID"] as? String == "org-norr")
            #expect(token["role"] as? String == "planner")

            let listed = try call(setup, "GET", "/api/v1/tokens", bearer: setup.norrAdmin)
            let names = (listed.json?["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names?.contains("route planning") == true)
            #expect(!listed.text.contains(String(bearer.suffix(43))))

            let audit = try call(setup, "GET", "/api/v1/audit", bearer: setup.norrAdmin)
            let actions = (audit.json?["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(actions?.last == "api_token.create")
        }
    }

    @Test("invalid token requests name every wrong field", arguments: TestBackend.all)
    func validation(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let response = try call(
                setup, "POST", "/api/v1/tokens", bearer: setup.norrAdmin,
                json: #"{"name":"","role":"central_operator","lifetimeDays":900}"#)
            #expect(response.status == 422)
            let fields = (response.json?["errors"] as? [[String: String]])?.compactMap { $0["field"] }
            #expect(Set(fields ?? []) == ["name", "role", "lifetimeDays"])
        }
    }

    @Test("a planner may not manage tokens", arguments: TestBackend.all)
    func plannerForbidden(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            #expect(try call(setup, "GET", "/api/v1/tokens", bearer: setup.norrPlanner).status == 403)
            let create = try call(
                setup, "POST", "/api/v1/tokens", bearer: setup.norrPlanner,
                json: #"{"name":"x","role":"planner","lifetimeDays":1}"#)
            #expect(create.status == 403)
        }
    }

    @Test("one provider can neither see, create nor revoke another provider's tokens", arguments: TestBackend.all)
    func tenantIsolation(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            let created = try call(
                setup, "POST", "/api/v1/tokens", bearer: setup.soderAdmin,
                json: #"{"name":"soder system","role":"planner","lifetimeDays":1}"#)
            let soderTokenID = try #require((created.json?["token"] as? [String: Any])?["id"] as? String)

            let listed = try call(setup, "GET", "/api/v1/tokens?organisation=org-soder", bearer: setup.norrAdmin)
            #expect(listed.status == 200)
            #expect((listed.json?["items"] as? [Any])?.isEmpty == true)

            let foreign = try call(
                setup, "POST", "/api/v1/tokens", bearer: setup.norrAdmin,
                json: #"{"name":"x","role":"planner","organisationID":"org-soder","lifetimeDays":1}"#)
            let missing = try call(
                setup, "POST", "/api/v1/tokens", bearer: setup.norrAdmin,
                json: #"{"name":"x","role":"planner","organisationID":"org-nowhere","lifetimeDays":1}"#)
            #expect(foreign.status == 404)
            #expect(missing.status == 404)
            #expect(foreign.json?["detail"] as? String == "there is no organisation org-soder you can manage")

            let revokeForeign = try call(setup, "DELETE", "/api/v1/tokens/\(soderTokenID)", bearer: setup.norrAdmin)
            let revokeMissing = try call(
                setup, "DELETE", "/api/v1/tokens/" + String(repeating: "0", count: 24), bearer: setup.norrAdmin)
            #expect(revokeForeign.status == 404)
            #expect(revokeMissing.status == 404)
            #expect(
                (revokeForeign.json?["detail"] as? String)?.replacingOccurrences(of: soderTokenID, with: "?")
                    == (revokeMissing.json?["detail"] as? String)?.replacingOccurrences(
                        of: String(repeating: "0", count: 24), with: "?"))

            let audit = try call(setup, "GET", "/api/v1/audit?limit=500", bearer: setup.norrAdmin)
            let organisations = (audit.json?["items"] as? [[String: Any]])?.compactMap {
                $0["organisationID"] as? String
            }
            #expect(organisations?.allSatisfy { $0 == "org-norr" } == true)
        }
    }

    @Test(
        "the central administrator manages any provider's tokens and revocation takes effect at once",
        arguments: TestBackend.all)
    func centralRevokes(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            #expect(try call(setup, "GET", "/api/v1/tokens", bearer: setup.norrPlanner).status == 403)
            let listed = try call(setup, "GET", "/api/v1/tokens?organisation=org-norr", bearer: setup.central)
            let planner = (listed.json?["items"] as? [[String: Any]])?.first { $0["role"] as? String == "planner" }
            let plannerID = try #require(planner?["id"] as? String)
            #expect(try call(setup, "DELETE", "/api/v1/tokens/\(plannerID)", bearer: setup.central).status == 204)
            #expect(try call(setup, "GET", "/api/v1/audit", bearer: setup.norrPlanner).status == 401)
            let verification = try call(setup, "GET", "/api/v1/audit/verification", bearer: setup.central)
            #expect(verification.json?["intact"] as? Bool == true)
        }
    }

    @Test("audit paging parameters are validated", arguments: TestBackend.all)
    func auditPaging(backend: TestBackend) throws {
        try withSetup(backend) { setup in
            #expect(try call(setup, "GET", "/api/v1/audit?limit=0", bearer: setup.central).status == 400)
            #expect(try call(setup, "GET", "/api/v1/audit?after=x", bearer: setup.central).status == 400)
            let first = try call(setup, "GET", "/api/v1/audit?limit=2", bearer: setup.central)
            let next = try #require(first.json?["next"] as? String)
            let second = try call(setup, "GET", "/api/v1/audit?limit=2&after=\(next)", bearer: setup.central)
            let sequences = (second.json?["items"] as? [[String: Any]])?.compactMap { $0["sequence"] as? Int }
            #expect(sequences == [3, 4])
        }
    }
}
