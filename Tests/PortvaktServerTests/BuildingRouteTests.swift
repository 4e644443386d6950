import Accounts
import Authorization
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Buildings, doors and locks over HTTP")
struct BuildingRouteTests {
    private typealias Fixture = PlacesFixture

    private static let entranceLock = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0"
    private static let apartmentLock = "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"

    @Test(
        "an operator registers a building, its entrance and apartments, fits locks, and reads them back",
        arguments: TestBackend.all)
    func installation(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            let home = try setup.building("Norrgatan 1", apartments: ["Apartment 1102"])
            let other = try setup.building("Norrgatan 3", apartments: [])
            let entrance = try setup.install(Self.entranceLock, on: home.entrance)
            _ = try setup.install(Self.apartmentLock, on: home.doors[0])

            for bearer in [setup.theOperator, setup.central] {
                let read = try setup.call("GET", "/buildings/\(home.id)", bearer: bearer)
                #expect(read.status == 200)
                #expect(read.json?["address"] as? String == "Norrgatan 1")
                #expect(read.json?["districtID"] as? String == setup.district.description)
                let doors = try #require(read.json?["doors"] as? [[String: Any]])
                #expect(doors.compactMap { $0["label"] as? String } == ["Entrance A", "Apartment 1102"])
                #expect(doors.compactMap { $0["kind"] as? String } == ["entrance", "apartment"])
                let locks = doors.map { ($0["locks"] as? [[String: Any]])?.compactMap { $0["lockID"] as? String } }
                #expect(locks == [[Self.entranceLock], [Self.apartmentLock]])
                let fitted = try #require((doors.first?["locks"] as? [[String: Any]])?.first)
                #expect(fitted["id"] as? String == entrance)
                #expect(fitted["installedAt"] as? Int64 == setup.clock.now)
            }

            #expect(try setup.listed("/buildings", bearer: setup.theOperator) == [home.id, other.id])
            #expect(
                try setup.listed("/buildings?district=\(setup.district)", bearer: setup.central) == [home.id, other.id])
            #expect(try setup.listed("/buildings?district=99999", bearer: setup.central).isEmpty)
            let page = try setup.call("GET", "/buildings?limit=1", bearer: setup.theOperator)
            #expect(page.json?["next"] as? String == home.id)
            #expect(try setup.listed("/buildings?limit=1&after=\(home.id)", bearer: setup.theOperator) == [other.id])

            // Buildings belong to the central unit: providers learn their recipients' homes
            // from the recipients, never the rest of a building.
            for bearer in [setup.norrAdmin, setup.norrPlanner, setup.norrAuditor] {
                #expect(try setup.call("GET", "/buildings", bearer: bearer).status == 403)
                #expect(try setup.call("GET", "/buildings/\(home.id)", bearer: bearer).status == 403)
                let fit = try setup.call(
                    "POST", "/doors/\(home.doors[0])/lock-installations", bearer: bearer,
                    json: #"{"lockID":"\#(String(repeating: "b", count: 32))"}"#)
                #expect(fit.status == 403)
            }

            let actions = try setup.audit(bearer: setup.central).compactMap { $0["action"] as? String }
            #expect(
                actions == [
                    "building.create", "door.create", "door.create", "building.create", "door.create", "lock.install",
                    "lock.install",
                ])
            #expect(try setup.audit(bearer: setup.norrAuditor).isEmpty)
        }
    }

    @Test("invalid buildings, doors and lock ids are refused naming the field", arguments: TestBackend.all)
    func validation(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            func post(_ path: String, _ json: String) throws -> TestHTTPResponse {
                try setup.call("POST", path, bearer: setup.theOperator, json: json)
            }
            let blank = try post("/buildings", #"{"address":"  ","districtID":"x"}"#)
            #expect(blank.status == 422)
            #expect(Fixture.fields(blank) == ["address", "districtID"])
            let lines = try post("/buildings", #"{"address":"Norrgatan 1\nAnna","districtID":"\#(setup.district)"}"#)
            #expect(Fixture.fields(lines) == ["address"])
            let nowhere = try post("/buildings", #"{"address":"Norrgatan 1","districtID":"99999"}"#)
            #expect(nowhere.status == 422)
            #expect(Fixture.fields(nowhere) == ["districtID"])
            let home = try setup.building("Norrgatan 1", apartments: ["Apartment 1102"])
            #expect(
                try post("/buildings", #"{"address":"Norrgatan 1","districtID":"\#(setup.district)"}"#).status == 409)

            let doors = "/buildings/\(home.id)/doors"
            let garage = try post(doors, #"{"kind":"garage","label":"\#(String(repeating: "x", count: 41))"}"#)
            #expect(garage.status == 422)
            #expect(Fixture.fields(garage) == ["kind", "label"])
            #expect(try post(doors, #"{"kind":"apartment","label":"Apartment 1102"}"#).status == 409)
            #expect(try post("/buildings/99999/doors", #"{"kind":"apartment","label":"A"}"#).status == 404)

            let fit = "/doors/\(home.doors[0])/lock-installations"
            for lockID in [
                String(repeating: "A", count: 32), String(repeating: "a", count: 31), String(repeating: "g", count: 32),
                "a0a0a0a0-a0a0-a0a0-a0a0-a0a0a0a0a0a0",
            ] {
                let refused = try post(fit, #"{"lockID":"\#(lockID)"}"#)
                #expect(refused.status == 422, "\(lockID)")
                #expect(Fixture.fields(refused) == ["lockID"])
            }
            #expect(try post("/doors/99999/lock-installations", #"{"lockID":"\#(Self.apartmentLock)"}"#).status == 404)
            _ = try setup.install(Self.apartmentLock, on: home.doors[0])
            let elsewhere = try post(
                "/doors/\(home.entrance)/lock-installations", #"{"lockID":"\#(Self.apartmentLock)"}"#)
            #expect(elsewhere.status == 409)
            let second = try post(fit, #"{"lockID":"\#(Self.entranceLock)"}"#)
            #expect(second.status == 409)
            #expect((second.json?["detail"] as? String)?.contains("replace") == true)
        }
    }

    @Test(
        "a lock replaced after a fault opens for those the old one did, and the old one for nobody",
        arguments: TestBackend.all)
    func replacement(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            let home = try setup.building("Norrgatan 1", apartments: ["Apartment 1102"])
            let entrance = try setup.install(Self.entranceLock, on: home.entrance)
            let apartment = try setup.install(Self.apartmentLock, on: home.doors[0])
            let recipient = try setup.recipient("TL-1001", of: "org-norr", from: setup.clock.now - Fixture.day)
            #expect(try setup.move(recipient, into: home.doors, at: setup.clock.now - Fixture.day).status == 201)
            setup.clock.advance(by: Fixture.hour)
            let key = try setup.norrKey(for: .recipient(RecipientID(try #require(Int64(recipient)))))
            #expect(try setup.lockIDs(key: key) == [Self.apartmentLock, Self.entranceLock])

            let newLock = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
            let replace = "/lock-installations/\(apartment)/replacement"
            let same = try setup.call(
                "POST", replace, bearer: setup.theOperator, json: #"{"lockID":"\#(Self.apartmentLock)"}"#)
            #expect(same.status == 422)
            let early = try setup.call(
                "POST", replace, bearer: setup.theOperator, json: #"{"lockID":"\#(newLock)","at":0}"#)
            #expect(Fixture.fields(early) == ["at"])
            let replaced = try setup.call(
                "POST", replace, bearer: setup.theOperator, json: #"{"lockID":"\#(newLock)"}"#,
                headers: [("Idempotency-Key", "fault-1")])
            #expect(replaced.status == 201, "\(replaced.text)")
            #expect(replaced.json?["doorID"] as? String == home.doors[0])
            let again = try setup.call(
                "POST", replace, bearer: setup.theOperator, json: #"{"lockID":"\#(newLock)"}"#,
                headers: [("Idempotency-Key", "fault-1")])
            #expect(again.body == replaced.body)
            #expect(try setup.lockIDs(key: key) == [newLock, Self.entranceLock])

            let read = try setup.call("GET", "/buildings/\(home.id)", bearer: setup.theOperator)
            let doors = read.json?["doors"] as? [[String: Any]] ?? []
            #expect(
                doors.map { ($0["locks"] as? [[String: Any]])?.compactMap { $0["lockID"] as? String } }
                    == [[Self.entranceLock], [newLock]])
            let twice = try setup.call(
                "POST", replace, bearer: setup.theOperator, json: #"{"lockID":"\#(String(repeating: "c", count: 32))"}"#
            )
            #expect(twice.status == 409)

            // Taking the entrance lock down ends what it opened, and can be done once.
            let removal = "/lock-installations/\(entrance)/removal"
            let backwards = try setup.call("POST", removal, bearer: setup.central, json: #"{"at":0}"#)
            #expect(backwards.status == 422)
            let removed = try setup.call("POST", removal, bearer: setup.central, json: "{}")
            #expect(removed.status == 200)
            #expect(removed.json?["removedAt"] as? Int64 == setup.clock.now)
            #expect(try setup.call("POST", removal, bearer: setup.central, json: "{}").status == 409)
            #expect(try setup.lockIDs(key: key) == [newLock])

            let entries = try setup.audit(bearer: setup.central)
            let replacedEntry = try #require(entries.first { $0["action"] as? String == "lock.replace" })
            #expect((replacedEntry["before"] as? String)?.contains("removedAt") == false)
            #expect((replacedEntry["after"] as? String)?.contains("removedAt") == true)
            #expect(entries.filter { $0["action"] as? String == "lock.install" }.count == 3)
            #expect(entries.filter { $0["action"] as? String == "lock.remove" }.count == 1)
        }
    }

    @Test(
        "creating a building, a door or an installation twice with one key creates it once", arguments: TestBackend.all)
    func idempotency(backend: TestBackend) throws {
        try Fixture.run(backend) { setup in
            func post(_ path: String, _ json: String, key: String) throws -> (TestHTTPResponse, TestHTTPResponse) {
                let headers = [("Idempotency-Key", key)]
                let first = try setup.call("POST", path, bearer: setup.theOperator, json: json, headers: headers)
                let second = try setup.call("POST", path, bearer: setup.theOperator, json: json, headers: headers)
                #expect(first.status == 201, "\(first.text)")
                #expect(second.body == first.body)
                #expect(second.headers["idempotent-replayed"] == "true")
                return (first, second)
            }
            let (building, _) = try post(
                "/buildings", #"{"address":"Norrgatan 1","districtID":"\#(setup.district)"}"#, key: "b-1")
            let id = try #require(building.json?["id"] as? String)
            let (door, _) = try post("/buildings/\(id)/doors", #"{"kind":"entrance","label":"Entrance A"}"#, key: "d-1")
            let doorID = try #require(door.json?["id"] as? String)
            _ = try post("/doors/\(doorID)/lock-installations", #"{"lockID":"\#(Self.entranceLock)"}"#, key: "l-1")
            #expect(try setup.listed("/buildings", bearer: setup.central) == [id])
            let read = try setup.call("GET", "/buildings/\(id)", bearer: setup.central)
            #expect((read.json?["doors"] as? [Any])?.count == 1)
        }
    }
}
