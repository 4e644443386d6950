import Foundation
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Teams over HTTP")
struct TeamRouteTests {
    @Test(
        "a planner makes a team of the provider's staff, and each membership change is audited",
        arguments: TestBackend.all)
    func membership(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let first = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee
            let second = try setup.employeeWithKey("N2", bearer: setup.norrAdmin).employee
            let team = try setup.create("/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Night patrol"}"#)
            let path = "/api/v1/teams/\(team)/members"

            let added = try setup.call("PUT", "\(path)/\(first)", bearer: setup.norrPlanner)
            #expect(added.status == 200, "\(added.text)")
            #expect((added.json?["members"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [first])
            #expect(try setup.call("PUT", "\(path)/\(first)", bearer: setup.norrPlanner).status == 200)
            _ = try setup.call("PUT", "\(path)/\(second)", bearer: setup.norrAdmin)
            let removed = try setup.call("DELETE", "\(path)/\(first)", bearer: setup.norrPlanner)
            #expect(removed.status == 200)
            #expect((removed.json?["members"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [second])
            #expect(try setup.call("DELETE", "\(path)/\(first)", bearer: setup.norrPlanner).status == 404)

            let read = try setup.call("GET", "/api/v1/teams/\(team)", bearer: setup.norrAuditor)
            #expect(read.status == 200)
            let members = read.json?["members"] as? [[String: Any]]
            #expect(members?.first?["employeeNumber"] as? String == "N2")
            let listed = try setup.items("/api/v1/teams", bearer: setup.norrAuditor)
            #expect(listed.count == 1)
            #expect((listed.first?["members"] as? [Any])?.count == 1)

            let entries = try setup.audit().filter { $0["objectType"] as? String == "team" }
            #expect(
                entries.compactMap { $0["action"] as? String } == [
                    "team.create", "team.add_member", "team.add_member", "team.remove_member",
                ])
            let join = entries[1]
            #expect(
                join["before"] as? String
                    == #"{"id":"\#(team)","memberIDs":[],"name":"Night patrol","organisationID":"org-norr"}"#)
            #expect((join["after"] as? String)?.contains(#""memberIDs":["\#(first)"]"#) == true)
            #expect(join["organisationID"] as? String == "org-norr")
            #expect((join["after"] as? String)?.contains("Staff N1") == false)
        }
    }

    @Test("another provider's staff and teams answer 404 exactly as missing ones", arguments: TestBackend.all)
    func otherProvider(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let own = try setup.create("/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Day"}"#)
            let theirs = try setup.create("/api/v1/teams", bearer: setup.soderPlanner, json: #"{"name":"Day"}"#)
            let soderEmployee = try setup.employeeWithKey("S1", bearer: setup.soderAdmin).employee
            let norrEmployee = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee

            let foreignMember = try setup.call(
                "PUT", "/api/v1/teams/\(own)/members/\(soderEmployee)", bearer: setup.norrPlanner)
            let missingMember = try setup.call("PUT", "/api/v1/teams/\(own)/members/99999", bearer: setup.norrPlanner)
            #expect(foreignMember.status == 404)
            #expect(missingMember.status == 404)
            #expect(
                foreignMember.json?["detail"] as? String == "there is no employee \(soderEmployee) you can see")
            let foreignTeam = try setup.call(
                "PUT", "/api/v1/teams/\(theirs)/members/\(norrEmployee)", bearer: setup.norrPlanner)
            #expect(foreignTeam.status == 404)
            #expect(try setup.call("GET", "/api/v1/teams/\(theirs)", bearer: setup.norrPlanner).status == 404)
            // The central administrator reaches every team, but a team holds only its provider's staff.
            let mixed = try setup.call("PUT", "/api/v1/teams/\(own)/members/\(soderEmployee)", bearer: setup.central)
            #expect(mixed.status == 404)
            let onBehalf = try setup.call("PUT", "/api/v1/teams/\(own)/members/\(norrEmployee)", bearer: setup.central)
            #expect(onBehalf.status == 200)

            let asked = try setup.items("/api/v1/teams?organisation=org-norr", bearer: setup.soderPlanner)
            #expect(asked.isEmpty)
            let soderTeams = try setup.items("/api/v1/teams", bearer: setup.soderPlanner)
            #expect(soderTeams.compactMap { $0["id"] as? String } == [theirs])
            let everyone = try setup.items("/api/v1/teams", bearer: setup.central)
            #expect(everyone.count == 2)
            let paged = try setup.call("GET", "/api/v1/teams?limit=1", bearer: setup.central)
            #expect(paged.json?["next"] as? String == own)
        }
    }

    @Test("invalid teams and former staff are refused; auditors change nothing", arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let team = try setup.create("/api/v1/teams", bearer: setup.norrAdmin, json: #"{"name":"Evening"}"#)
            let duplicate = try setup.call(
                "POST", "/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Evening"}"#)
            #expect(duplicate.status == 409)
            let blank = try setup.call("POST", "/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":""}"#)
            #expect(blank.status == 422)
            let unnamed = try setup.call("POST", "/api/v1/teams", bearer: setup.central, json: #"{"name":"X"}"#)
            #expect(unnamed.status == 422)
            #expect(unnamed.text.contains("organisationID"))
            let elsewhere = try setup.call(
                "POST", "/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"X","organisationID":"org-soder"}"#)
            #expect(elsewhere.status == 404)

            let former = try setup.employeeWithKey("N9", bearer: setup.norrAdmin).employee
            let deactivated = try setup.call(
                "PATCH", "/api/v1/employees/\(former)", bearer: setup.norrAdmin, json: #"{"active":false}"#,
                headers: [("If-Match", "*")])
            #expect(deactivated.status == 200)
            let join = try setup.call("PUT", "/api/v1/teams/\(team)/members/\(former)", bearer: setup.norrPlanner)
            #expect(join.status == 409)

            let current = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee
            #expect(
                try setup.call("POST", "/api/v1/teams", bearer: setup.norrAuditor, json: #"{"name":"A"}"#).status == 403
            )
            let auditorJoin = try setup.call(
                "PUT", "/api/v1/teams/\(team)/members/\(current)", bearer: setup.norrAuditor)
            #expect(auditorJoin.status == 403)
            let members = try setup.call("GET", "/api/v1/teams/\(team)", bearer: setup.norrAdmin)
            #expect((members.json?["members"] as? [Any])?.isEmpty == true)
        }
    }
}
