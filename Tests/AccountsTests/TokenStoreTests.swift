import Accounts
import PortvaktServer
import PortvaktTesting
import Storage
import Testing

@Suite("API tokens")
struct TokenStoreTests {
    private let now: Int64 = 1_796_300_000_000

    private func prepared(_ test: TestDatabase) throws -> TokenStore {
        try Migrator(migrations: Schema.migrations).migrate(test.database)
        try DemoData.seed(test.database)
        return TokenStore(database: test.database)
    }

    @Test("a new token authenticates as its organisation and role", arguments: TestBackend.all)
    func authenticates(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            let issued = try store.create(
                organisationID: "org-norr", role: .planner, name: "scheduling system", lifetime: .seconds(3600),
                now: now)
            #expect(issued.bearer.hasPrefix("pvt_\(issued.token.id)_"))
            let principal = try store.authenticate(bearer: issued.bearer, now: now + 1000)
            #expect(
                principal == Principal(kind: .apiToken, id: issued.token.id, organisationID: "org-norr", role: .planner)
            )
            #expect(!principal.isCentral)
            #expect(principal.mayRead(organisation: "org-norr"))
            #expect(!principal.mayRead(organisation: "org-soder"))
        }
    }

    @Test("only a hash of the secret is stored", arguments: TestBackend.all)
    func secretNotStored(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            let issued = try store.create(
                organisationID: "org-norr", role: .auditor, name: "reports", lifetime: .seconds(60), now: now)
            let secret = String(issued.bearer.dropFirst(4 + 24 + 1))
            let row = try test.database.read { try $0.first("SELECT * FROM api_tokens") }
            let stored = try #require(row).values.map { "\($0)" }.joined(separator: " ")
            #expect(!stored.contains(secret))
            #expect(try #require(row).blob("secret_hash").count == 32)
        }
    }

    @Test("a bearer whose secret starts or ends with an underscore authenticates", arguments: TestBackend.all)
    func underscores(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            var seen = (start: false, end: false)
            for _ in 0..<400 where !(seen.start && seen.end) {
                let issued = try store.create(
                    organisationID: "org-norr", role: .planner, name: "x", lifetime: .seconds(60), now: now)
                let secret = issued.bearer.dropFirst(4 + 24 + 1)
                guard secret.hasPrefix("_") || secret.hasSuffix("_") else { continue }
                seen.start = seen.start || secret.hasPrefix("_")
                seen.end = seen.end || secret.hasSuffix("_")
                #expect(try store.authenticate(bearer: issued.bearer, now: now).id == issued.token.id)
            }
            #expect(seen.start || seen.end)
        }
    }

    @Test("a wrong secret, a malformed bearer and an unknown id are refused", arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            let issued = try store.create(
                organisationID: "org-norr", role: .planner, name: "x", lifetime: .seconds(60), now: now)
            var tampered = Array(issued.bearer)
            tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
            #expect(throws: AuthenticationError.unknown) { try store.authenticate(bearer: String(tampered), now: now) }
            #expect(throws: AuthenticationError.malformed) { try store.authenticate(bearer: "Basic abc", now: now) }
            #expect(throws: AuthenticationError.malformed) {
                try store.authenticate(bearer: "pvt_\(issued.token.id)_short", now: now)
            }
            let otherID = String(repeating: "0", count: 24)
            let secret = issued.bearer.dropFirst(4 + 24 + 1)
            #expect(throws: AuthenticationError.unknown) {
                try store.authenticate(bearer: "pvt_\(otherID)_\(secret)", now: now)
            }
        }
    }

    @Test("a token expires at the end of its lifetime", arguments: TestBackend.all)
    func expiry(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            let issued = try store.create(
                organisationID: "org-norr", role: .planner, name: "x", lifetime: .seconds(60), now: now)
            _ = try store.authenticate(bearer: issued.bearer, now: now + 59_999)
            #expect(throws: AuthenticationError.expired) {
                try store.authenticate(bearer: issued.bearer, now: now + 60_000)
            }
        }
    }

    @Test("a revoked token is refused at once, and only its own organisation can revoke it", arguments: TestBackend.all)
    func revocation(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            let issued = try store.create(
                organisationID: "org-norr", role: .planner, name: "x", lifetime: .seconds(3600), now: now)
            #expect(try store.revoke(id: issued.token.id, organisationID: "org-soder", now: now) == nil)
            _ = try store.authenticate(bearer: issued.bearer, now: now)
            #expect(
                try store.revoke(id: issued.token.id, organisationID: "org-norr", now: now + 5)?.revokedAt == now + 5)
            #expect(throws: AuthenticationError.revoked) { try store.authenticate(bearer: issued.bearer, now: now + 6) }
            #expect(try store.revoke(id: issued.token.id, organisationID: nil, now: now + 10)?.revokedAt == now + 5)
            #expect(try store.list(organisationID: "org-norr").first?.revokedAt == now + 5)
        }
    }

    @Test("a lifetime of zero or over a year is refused", arguments: TestBackend.all)
    func lifetimes(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            #expect(throws: TokenError.invalidLifetime) {
                try store.create(organisationID: "org-norr", role: .planner, name: "x", lifetime: .zero, now: now)
            }
            #expect(throws: TokenError.invalidLifetime) {
                try store.create(
                    organisationID: "org-norr", role: .planner, name: "x", lifetime: .seconds(366 * 24 * 3600), now: now
                )
            }
        }
    }

    @Test("listing shows one organisation's tokens and no secrets", arguments: TestBackend.all)
    func listing(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            _ = try store.create(
                organisationID: "org-norr", role: .planner, name: "a", lifetime: .seconds(60), now: now)
            _ = try store.create(
                organisationID: "org-norr", role: .auditor, name: "b", lifetime: .seconds(60), now: now + 1)
            _ = try store.create(
                organisationID: "org-soder", role: .planner, name: "c", lifetime: .seconds(60), now: now)
            let tokens = try store.list(organisationID: "org-norr")
            #expect(tokens.map(\.name) == ["b", "a"])
            #expect(tokens.allSatisfy { $0.organisationID == "org-norr" })
        }
    }

    @Test("a purge deletes tokens that ended before the cutoff and keeps the rest", arguments: TestBackend.all)
    func purge(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let store = try prepared(test)
            let day: Int64 = 24 * 3600 * 1000
            func create(_ name: String, at time: Int64, days: Int) throws -> String {
                try store.create(
                    organisationID: "org-norr", role: .planner, name: name, lifetime: .seconds(days * 24 * 3600),
                    now: time
                ).token.id
            }
            _ = try create("expired long ago", at: now - 800 * day, days: 1)
            let revoked = try create("revoked long ago", at: now - 800 * day, days: 365)
            try store.revoke(id: revoked, organisationID: nil, now: now - 799 * day)
            let recent = try create("expired lately", at: now - 100 * day, days: 1)
            let revokedLately = try create("revoked lately", at: now - 100 * day, days: 365)
            try store.revoke(id: revokedLately, organisationID: nil, now: now - 99 * day)
            let active = try create("active", at: now, days: 30)

            #expect(try store.purge(endedBefore: now - 730 * day) == 2)
            #expect(try store.purge(endedBefore: now - 730 * day) == 0)
            #expect(Set(try store.list(organisationID: "org-norr").map(\.id)) == [recent, revokedLately, active])
        }
    }
}
