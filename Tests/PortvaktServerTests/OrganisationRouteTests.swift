import Foundation
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Organisations and districts over HTTP")
struct OrganisationRouteTests {
    @Test(
        "the central administrator registers a provider and the districts it works in", arguments: TestBackend.all)
    func registerProvider(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let created = try setup.call(
                "POST", "/api/v1/organisations", bearer: setup.central,
                json: #"{"id":"org-oster","name":"Hemtjänst Öster"}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json?["kind"] as? String == "provider")
            #expect((created.json?["districts"] as? [Any])?.isEmpty == true)

            let district = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Östermalm"}"#)
            let path = "/api/v1/organisations/org-oster/districts/\(district)"
            let added = try setup.call("PUT", path, bearer: setup.central)
            #expect(added.status == 200, "\(added.text)")
            let districts = added.json?["districts"] as? [[String: Any]]
            #expect(districts?.map { $0["name"] as? String } == ["Östermalm"])
            #expect(districts?.first?["id"] as? String == district)
            let again = try setup.call("PUT", path, bearer: setup.central)
            #expect(again.status == 200)
            #expect((again.json?["districts"] as? [Any])?.count == 1)

            let read = try setup.call("GET", "/api/v1/organisations/org-oster", bearer: setup.central)
            #expect((read.json?["districts"] as? [[String: Any]])?.first?["name"] as? String == "Östermalm")
            let actions = try setup.auditActions()
            #expect(actions.filter { $0 == "organisation.create" }.count == 1)
            #expect(actions.filter { $0 == "district.create" }.count == 1)
            #expect(actions.filter { $0 == "organisation.add_district" }.count == 1)
            let entry = try setup.audit().first { $0["action"] as? String == "organisation.add_district" }
            #expect(entry?["organisationID"] as? String == "org-oster")
            #expect((entry?["before"] as? String)?.contains("Östermalm") == false)
            #expect((entry?["after"] as? String)?.contains("Östermalm") == true)
        }
    }

    @Test("invalid, duplicate and misdirected changes are refused with the field named", arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let badID = try setup.call(
                "POST", "/api/v1/organisations", bearer: setup.central, json: #"{"id":"Org Öster","name":"Ö"}"#)
            #expect(badID.status == 422)
            #expect((badID.json?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["id"])
            let central = try setup.call(
                "POST", "/api/v1/organisations", bearer: setup.central,
                json: #"{"id":"org-two","name":"Two","kind":"central"}"#)
            #expect(central.status == 422)
            #expect(central.text.contains("kind"))
            let taken = try setup.call(
                "POST", "/api/v1/organisations", bearer: setup.central, json: #"{"id":"org-norr","name":"Another"}"#)
            #expect(taken.status == 409)
            let takenName = try setup.call(
                "POST", "/api/v1/organisations", bearer: setup.central,
                json: #"{"id":"org-new","name":"Hemtjänst Norr (demo)"}"#)
            #expect(takenName.status == 409)

            let district = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Norrmalm"}"#)
            let duplicate = try setup.call(
                "POST", "/api/v1/districts", bearer: setup.central, json: #"{"name":"Norrmalm"}"#)
            #expect(duplicate.status == 409)
            let blank = try setup.call("POST", "/api/v1/districts", bearer: setup.central, json: #"{"name":"  "}"#)
            #expect(blank.status == 422)

            let toCentral = try setup.call(
                "PUT", "/api/v1/organisations/org-central/districts/\(district)", bearer: setup.central)
            #expect(toCentral.status == 422)
            let noDistrict = try setup.call(
                "PUT", "/api/v1/organisations/org-norr/districts/99999", bearer: setup.central)
            #expect(noDistrict.status == 404)
            let noProvider = try setup.call(
                "PUT", "/api/v1/organisations/org-nobody/districts/\(district)", bearer: setup.central)
            #expect(noProvider.status == 404)

            for bearer in [setup.norrAdmin, setup.norrPlanner] {
                let calls: [(String, String, String?)] = [
                    ("POST", "/api/v1/organisations", #"{"id":"org-x","name":"X"}"#),
                    ("POST", "/api/v1/districts", #"{"name":"X"}"#),
                    ("PUT", "/api/v1/organisations/org-norr/districts/\(district)", nil),
                ]
                for (method, path, json) in calls {
                    let response = try setup.call(method, path, bearer: bearer, json: json)
                    #expect(response.status == 403, "\(method) \(path)")
                }
            }
            let norr = try setup.call("GET", "/api/v1/organisations/org-norr", bearer: setup.central)
            #expect((norr.json?["districts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(
        "a provider's roles see only their own organisation, and every role lists districts", arguments: TestBackend.all
    )
    func visibility(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let district = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Söderort"}"#)
            _ = try setup.call("PUT", "/api/v1/organisations/org-soder/districts/\(district)", bearer: setup.central)
            _ = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Västerort"}"#)

            let all = try setup.items("/api/v1/organisations", bearer: setup.central)
            #expect(
                all.compactMap { $0["id"] as? String } == ["org-central", "org-norr", "org-soder", "org-vasterort"])
            let soder = all.first { $0["id"] as? String == "org-soder" }
            #expect((soder?["districts"] as? [[String: Any]])?.first?["name"] as? String == "Söderort")
            let page = try setup.call("GET", "/api/v1/organisations?limit=2", bearer: setup.central)
            let next = try #require(page.json?["next"] as? String)
            #expect(next == "org-norr")
            let rest = try setup.items("/api/v1/organisations?after=\(next)", bearer: setup.central)
            #expect(rest.compactMap { $0["id"] as? String } == ["org-soder", "org-vasterort"])

            for bearer in [setup.norrAdmin, setup.norrPlanner, setup.norrAuditor] {
                let own = try setup.items("/api/v1/organisations", bearer: bearer)
                #expect(own.compactMap { $0["id"] as? String } == ["org-norr"])
                let other = try setup.call("GET", "/api/v1/organisations/org-soder", bearer: bearer)
                let missing = try setup.call("GET", "/api/v1/organisations/org-nobody", bearer: bearer)
                #expect(other.status == 404)
                #expect(missing.status == 404)
                #expect(other.json?["title"] as? String == missing.json?["title"] as? String)
                let districts = try setup.items("/api/v1/districts", bearer: bearer)
                #expect(districts.compactMap { $0["name"] as? String } == ["Söderort", "Västerort"])
            }
            let own = try setup.call("GET", "/api/v1/organisations/org-soder", bearer: setup.soderPlanner)
            #expect(own.status == 200)
        }
    }
}
