import Accounts
import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Recipients, provider changes and moves over HTTP")
struct RecipientRouteTests {
    private typealias Fixture = PlacesFixture

    @Test(
        "a registered recipient who moves in is seen, with the home, by their provider alone",
        arguments: TestBackend.all
    )
    func registerAndMoveIn(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            let home = try setup.building("Norrgatan 1", apartments: ["Apartment 1102"])
            let recipient = try setup.recipient("TL-1001", of: "org-norr")
            let moved = try setup.move(recipient, into: home.doors)
            #expect(moved.status == 201, "\(moved.text)")
            #expect(moved.json?["moveInto"] as? [String] == home.doors)

            for bearer in [setup.norrPlanner, setup.norrAdmin, setup.norrAuditor, setup.central] {
                #expect(try setup.homes(of: recipient, bearer: bearer) == ["Apartment 1102"])
                #expect(try setup.listed("/recipients", bearer: bearer) == [recipient])
            }
            let read = try setup.call("GET", "/recipients/\(recipient)", bearer: setup.norrPlanner)
            #expect(read.json?["alarmCode"] as? String == "TL-1001")
            #expect(read.json?["organisationID"] as? String == "org-norr")
            let shown = try #require((read.json?["homes"] as? [[String: Any]])?.first)
            #expect(shown["address"] as? String == "Norrgatan 1")
            #expect(shown["doorID"] as? String == home.doors[0])
            #expect(shown["to"] == nil)
            // Nothing but the alarm code identifies the recipient.
            #expect(Set((read.json ?? [:]).keys) == ["id", "alarmCode", "organisationID", "homes"])

            #expect(try setup.homes(of: recipient, bearer: setup.soderPlanner) == nil)
            let missing = try setup.call("GET", "/recipients/99999", bearer: setup.soderPlanner)
            let foreign = try setup.call("GET", "/recipients/\(recipient)", bearer: setup.soderPlanner)
            #expect(foreign.status == missing.status)
            #expect(foreign.json?["title"] as? String == missing.json?["title"] as? String)
            #expect(try setup.listed("/recipients", bearer: setup.soderPlanner).isEmpty)
            #expect(try setup.listed("/recipients?organisation=org-norr", bearer: setup.soderPlanner).isEmpty)
            #expect(try setup.listed("/recipients?alarmCode=TL-1001", bearer: setup.soderPlanner).isEmpty)
            #expect(try setup.listed("/recipients?organisation=org-soder", bearer: setup.central).isEmpty)

            let actions = try setup.audit(bearer: setup.norrAuditor).compactMap { $0["action"] as? String }
            #expect(actions == ["recipient.create", "recipient.move"])
            #expect(try setup.audit(bearer: setup.soderAuditor).isEmpty)
        }
    }

    @Test(
        "from a provider change's effective moment the old provider loses sight and access, the new one gains them",
        arguments: TestBackend.all)
    func providerChange(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            let home = try setup.building("Norrgatan 1", apartments: ["Apartment 1102"])
            let apartmentLock = String(repeating: "a1", count: 16)
            _ = try setup.install(String(repeating: "e1", count: 16), on: home.entrance)
            _ = try setup.install(apartmentLock, on: home.doors[0])
            let recipient = try setup.recipient("TL-1001", of: "org-norr", from: setup.clock.now - Fixture.day)
            #expect(try setup.move(recipient, into: home.doors).status == 201)
            let key = try setup.norrKey(for: .allRecipients)

            let effective = setup.clock.now + Fixture.day
            let change = try setup.call(
                "POST", "/recipients/\(recipient)/provider-changes", bearer: setup.central,
                json: #"{"organisationID":"org-soder","from":\#(effective)}"#)
            #expect(change.status == 201, "\(change.text)")
            #expect(change.json?["organisationID"] as? String == "org-soder")
            #expect(change.json?["from"] as? Int64 == effective)

            // Until the change, nothing moves: the old provider sees the recipient and its
            // key opens the home; the new provider sees nothing yet.
            #expect(try setup.homes(of: recipient, bearer: setup.norrPlanner) == ["Apartment 1102"])
            #expect(try setup.homes(of: recipient, bearer: setup.soderPlanner) == nil)
            #expect(try setup.lockIDs(key: key).contains(apartmentLock))
            let everyone = try periods(setup, recipient, bearer: setup.central)
            #expect(everyone.map(\.organisation) == ["org-norr", "org-soder"])
            #expect(everyone.first?.to == effective)
            let norrSide = try periods(setup, recipient, bearer: setup.norrPlanner)
            #expect(norrSide.map(\.organisation) == ["org-norr"])
            #expect(norrSide.first?.to == effective)

            setup.clock.advance(by: Fixture.day + 60_000)
            #expect(try setup.homes(of: recipient, bearer: setup.norrPlanner) == nil)
            #expect(try setup.listed("/recipients", bearer: setup.norrPlanner).isEmpty)
            #expect(
                try setup.call("GET", "/recipients/\(recipient)/provider-changes", bearer: setup.norrPlanner).status
                    == 404)
            #expect(try setup.lockIDs(key: key).isEmpty)
            #expect(try setup.homes(of: recipient, bearer: setup.soderPlanner) == ["Apartment 1102"])
            #expect(try setup.listed("/recipients", bearer: setup.soderPlanner) == [recipient])
            let soderSide = try periods(setup, recipient, bearer: setup.soderPlanner)
            #expect(soderSide.map(\.organisation) == ["org-soder"])

            // Each provider's auditors see their own side of the change, and only that.
            let norrEntries = try setup.audit(bearer: setup.norrAuditor).filter {
                $0["action"] as? String == "recipient.provider_change"
            }
            #expect(norrEntries.count == 1)
            #expect((norrEntries.first?["after"] as? String)?.contains("org-soder") == false)
            let soderEntries = try setup.audit(bearer: setup.soderAuditor)
            #expect(soderEntries.compactMap { $0["action"] as? String } == ["recipient.provider_change"])
            #expect((soderEntries.first?["after"] as? String)?.contains("org-norr") == false)
        }
    }

    @Test("refused provider changes say why, and a repeated change is answered once", arguments: TestBackend.all)
    func refusedProviderChanges(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            let now = setup.clock.now
            let recipient = try setup.recipient("TL-1001", of: "org-norr", from: now - Fixture.day)
            let path = "/recipients/\(recipient)/provider-changes"
            func change(_ json: String, key: String? = nil) throws -> TestHTTPResponse {
                try setup.call(
                    "POST", path, bearer: setup.central, json: json,
                    headers: key.map { [("Idempotency-Key", $0)] } ?? [])
            }
            #expect(try change(#"{"organisationID":"org-norr","from":\#(now)}"#).status == 409)
            let early = try change(#"{"organisationID":"org-soder","from":\#(now - 2 * Fixture.day)}"#)
            #expect(early.status == 422)
            #expect(Fixture.fields(early) == ["from"])
            for organisation in ["org-central", "org-nowhere"] {
                let wrong = try change(#"{"organisationID":"\#(organisation)","from":\#(now)}"#)
                #expect(wrong.status == 422)
                #expect(Fixture.fields(wrong) == ["organisationID"])
            }
            let missing = try change(#"{"organisationID":"org-soder"}"#)
            #expect(missing.status == 400)
            #expect(Fixture.fields(missing) == ["from"])
            let unknown = try setup.call(
                "POST", "/recipients/99999/provider-changes", bearer: setup.central,
                json: #"{"organisationID":"org-soder","from":\#(now)}"#)
            #expect(unknown.status == 404)
            for bearer in [setup.norrAdmin, setup.norrPlanner, setup.theOperator] {
                let refused = try setup.call(
                    "POST", path, bearer: bearer, json: #"{"organisationID":"org-soder","from":\#(now)}"#)
                #expect(refused.status == 403)
            }

            let json = #"{"organisationID":"org-soder","from":\#(now)}"#
            let first = try change(json, key: "change-1")
            let again = try change(json, key: "change-1")
            #expect(first.status == 201)
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try periods(setup, recipient, bearer: setup.central).count == 2)
        }
    }

    @Test(
        "moves express moving house, a two-door home and the end of care, and refuse what cannot be",
        arguments: TestBackend.all)
    func moves(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            let old = try setup.building("Norrgatan 1", apartments: ["Apartment 1101", "Apartment 1101 kitchen"])
            let new = try setup.building("Norrgatan 9", apartments: ["Apartment 1402"])
            let recipient = try setup.recipient("TL-1001", of: "org-norr", from: setup.clock.now - Fixture.day)
            let neighbour = try setup.recipient("TL-1002", of: "org-soder")

            // A home with two doors: both at once.
            #expect(try setup.move(recipient, into: old.doors, at: setup.clock.now - Fixture.hour).status == 201)
            #expect(
                try setup.homes(of: recipient, bearer: setup.norrPlanner) == [
                    "Apartment 1101", "Apartment 1101 kitchen",
                ])

            let occupied = try setup.move(neighbour, into: [old.doors[0]])
            #expect(occupied.status == 409)
            let entrance = try setup.move(neighbour, into: [old.entrance])
            #expect(entrance.status == 422)
            #expect(Fixture.fields(entrance) == ["moveInto"])
            let notHome = try setup.move(neighbour, outOf: [new.doors[0]])
            #expect(notHome.status == 422)
            #expect(Fixture.fields(notHome) == ["moveOutOf"])
            let nothing = try setup.move(neighbour)
            #expect(nothing.status == 422)
            let malformed = try setup.move(neighbour, into: ["door-1"])
            #expect(Fixture.fields(malformed) == ["moveInto"])
            let both = try setup.move(neighbour, into: [new.doors[0]], outOf: [new.doors[0]])
            #expect(both.status == 422)
            let beforeTime = try setup.move(neighbour, into: [new.doors[0]], at: -1)
            #expect(Fixture.fields(beforeTime) == ["at"])

            // Moving house: out of both doors and into the new one at the same moment.
            let house = try setup.move(recipient, into: new.doors, outOf: old.doors)
            #expect(house.status == 201, "\(house.text)")
            #expect(try setup.homes(of: recipient, bearer: setup.norrPlanner) == ["Apartment 1402"])
            #expect(try setup.move(neighbour, into: [old.doors[0]]).status == 201)

            // The end of care: out of every door, from a set moment.
            let end = setup.clock.now + Fixture.hour
            #expect(try setup.move(recipient, outOf: new.doors, at: end).status == 201)
            let ending = try setup.call("GET", "/recipients/\(recipient)", bearer: setup.central)
            #expect((ending.json?["homes"] as? [[String: Any]])?.first?["to"] as? Int64 == end)
            setup.clock.advance(by: 2 * Fixture.hour)
            #expect(try setup.homes(of: recipient, bearer: setup.norrPlanner) == [])

            let moves = try setup.audit(bearer: setup.central).filter { $0["action"] as? String == "recipient.move" }
            #expect(moves.count == 4)
            let houseMove = moves[1]
            #expect((houseMove["before"] as? String)?.contains("Norrgatan 1") == true)
            #expect((houseMove["after"] as? String)?.contains("Norrgatan 9") == true)
            #expect(houseMove["organisationID"] as? String == "org-norr")
        }
    }

    @Test("registration is validated, refused for other roles, and safe to repeat", arguments: TestBackend.all)
    func registration(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            func register(_ json: String, bearer: String? = nil, key: String? = nil) throws -> TestHTTPResponse {
                try setup.call(
                    "POST", "/recipients", bearer: bearer ?? setup.central, json: json,
                    headers: key.map { [("Idempotency-Key", $0)] } ?? [])
            }
            let named = try register(#"{"alarmCode":"Anna Svensson","organisationID":"org-norr","from":-5}"#)
            #expect(named.status == 422)
            #expect(Fixture.fields(named) == ["alarmCode", "from"])
            let provider = try register(#"{"alarmCode":"TL-1","organisationID":"org-central"}"#)
            #expect(Fixture.fields(provider) == ["organisationID"])
            #expect(try register(#"{"alarmCode":"TL-1"}"#).status == 400)
            for bearer in [setup.theOperator, setup.norrAdmin, setup.norrPlanner] {
                #expect(
                    try register(#"{"alarmCode":"TL-1","organisationID":"org-norr"}"#, bearer: bearer).status == 403)
            }
            #expect(try setup.call("GET", "/recipients", bearer: setup.theOperator).status == 403)

            let json = #"{"alarmCode":"TL-1","organisationID":"org-norr"}"#
            let first = try register(json, key: "r-1")
            let again = try register(json, key: "r-1")
            #expect(first.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try register(json).status == 409)

            // Registered from a later date: the central unit sees it at once, the provider then.
            let later = try setup.recipient("TL-2", of: "org-norr", from: setup.clock.now + Fixture.hour)
            let pending = try setup.call("GET", "/recipients/\(later)", bearer: setup.central)
            #expect(pending.json?["organisationID"] == nil)
            #expect(try setup.homes(of: later, bearer: setup.norrPlanner) == nil)
            setup.clock.advance(by: 2 * Fixture.hour)
            #expect(try setup.homes(of: later, bearer: setup.norrPlanner) == [])

            let first2 = try #require(first.json?["id"] as? String)
            #expect(try setup.listed("/recipients?alarmCode=TL-2", bearer: setup.central) == [later])
            #expect(try setup.listed("/recipients?limit=1", bearer: setup.norrPlanner) == [first2])
            let page = try setup.call("GET", "/recipients?limit=1", bearer: setup.norrPlanner)
            let next = try #require(page.json?["next"] as? String)
            #expect(try setup.listed("/recipients?limit=1&after=\(next)", bearer: setup.norrPlanner) == [later])
            #expect(try setup.call("GET", "/recipients?alarmCode=a%20b", bearer: setup.central).status == 400)
        }
    }

    private func periods(_ setup: Fixture, _ recipient: String, bearer: String) throws
        -> [(organisation: String, to: Int64?)]
    {
        let response = try setup.call("GET", "/recipients/\(recipient)/provider-changes", bearer: bearer)
        #expect(response.status == 200, "\(response.text)")
        return (response.json?["items"] as? [[String: Any]] ?? []).map {
            ($0["organisationID"] as? String ?? "", $0["to"] as? Int64)
        }
    }
}
