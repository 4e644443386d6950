import Accounts
import Foundation
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Idempotency keys on creating requests")
struct IdempotencyTests {
    private func withAdmins(_ backend: TestBackend, _ body: (AppHarness, String, String) throws -> Void) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func bearer(_ name: String) throws -> String {
                try BootstrapTokens.create(
                    organisationID: "org-norr", role: .providerAdministrator, name: name, days: 1,
                    database: test.database, now: now, actor: "test"
                ).bearer
            }
            try body(harness, try bearer("first"), try bearer("second"))
        }
    }

    private func post(
        _ harness: AppHarness, _ path: String, bearer: String, key: String?, json: String
    ) throws -> TestHTTPResponse {
        var headers = [("Authorization", "Bearer \(bearer)"), ("Content-Type", "application/json")]
        if let key { headers.append(("Idempotency-Key", key)) }
        return try TestHTTPClient.request(port: harness.port, "POST", path, headers: headers, body: Array(json.utf8))
    }

    @Test("a repeated request with the same key and body gets the first response again", arguments: TestBackend.all)
    func replay(backend: TestBackend) throws {
        try withAdmins(backend) { harness, bearer, _ in
            let json = #"{"employeeNumber":"N1","displayName":"Night"}"#
            let first = try post(harness, "/api/v1/employees", bearer: bearer, key: "k-1", json: json)
            let again = try post(harness, "/api/v1/employees", bearer: bearer, key: "k-1", json: json)
            #expect(first.status == 201)
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(again.headers["etag"] == first.headers["etag"])

            let key = #"{"serial":"K-1"}"#
            let registered = try post(harness, "/api/v1/keys", bearer: bearer, key: "k-2", json: key)
            let repeated = try post(harness, "/api/v1/keys", bearer: bearer, key: "k-2", json: key)
            #expect(registered.status == 201)
            #expect(repeated.body == registered.body)
            let without = try post(harness, "/api/v1/keys", bearer: bearer, key: nil, json: key)
            #expect(without.status == 409)
        }
    }

    @Test("a key reused with another body or route is refused with 422", arguments: TestBackend.all)
    func conflict(backend: TestBackend) throws {
        try withAdmins(backend) { harness, bearer, _ in
            let first = try post(
                harness, "/api/v1/employees", bearer: bearer, key: "k-1",
                json: #"{"employeeNumber":"N1","displayName":"Night"}"#)
            #expect(first.status == 201)
            let changed = try post(
                harness, "/api/v1/employees", bearer: bearer, key: "k-1",
                json: #"{"employeeNumber":"N2","displayName":"Day"}"#)
            #expect(changed.status == 422)
            #expect(changed.text.contains("Idempotency-Key"))
            let elsewhere = try post(harness, "/api/v1/keys", bearer: bearer, key: "k-1", json: #"{"serial":"K"}"#)
            #expect(elsewhere.status == 422)
            let tooLong = try post(
                harness, "/api/v1/keys", bearer: bearer, key: String(repeating: "x", count: 101),
                json: #"{"serial":"K"}"#)
            #expect(tooLong.status == 400)
        }
    }

    @Test("keys belong to one principal, and a refused request does not use up its key", arguments: TestBackend.all)
    func scope(backend: TestBackend) throws {
        try withAdmins(backend) { harness, first, second in
            let refused = try post(harness, "/api/v1/keys", bearer: first, key: "k-1", json: #"{"serial":" "}"#)
            #expect(refused.status == 422)
            let corrected = try post(harness, "/api/v1/keys", bearer: first, key: "k-1", json: #"{"serial":"K-1"}"#)
            #expect(corrected.status == 201)
            let other = try post(harness, "/api/v1/keys", bearer: second, key: "k-1", json: #"{"serial":"K-2"}"#)
            #expect(other.status == 201)
            #expect(other.headers["idempotent-replayed"] == nil)
        }
    }
}
