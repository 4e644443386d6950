import Authorization
import Foundation
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Provider grants over HTTP")
struct GrantRouteTests {
    /// Norr works in one district where one of its recipients lives.
    private func norrHome(_ setup: AccessRouteSetup) throws -> Home {
        let district = try setup.access.createDistrict(name: "Norrmalm")
        try setup.access.addDistrict(district, toProvider: "org-norr")
        return try Home(setup.access, alarmCode: "N-100", provider: "org-norr", district: district)
    }

    @Test(
        "a grant to a team reaches its members' keys, and revoking it ends access at once", arguments: TestBackend.all)
    func teamGrantAndRevocation(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let home = try norrHome(setup)
            let member = try setup.employeeWithKey("N1", bearer: setup.norrAdmin)
            let outsider = try setup.employeeWithKey("N2", bearer: setup.norrAdmin)
            let team = try setup.create("/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Route 1"}"#)
            _ = try setup.call("PUT", "/api/v1/teams/\(team)/members/\(member.employee)", bearer: setup.norrPlanner)
            #expect(try setup.permissions(ofKey: member.key).isEmpty)

            let created = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrPlanner,
                json: #"{"subject":"team","teamID":"\#(team)","target":"recipient","recipientID":"\#(home.recipient)"}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let grant = try #require(created.json?["id"] as? String)
            #expect(created.json?["organisationID"] as? String == "org-norr")
            #expect(created.json?["to"] == nil)
            #expect(created.json?["schedule"] == nil)
            #expect(Set(try setup.permissions(ofKey: member.key).keys) == [home.apartmentLock, home.entranceLock])
            #expect(try setup.permissions(ofKey: outsider.key).isEmpty)

            // Joining the team later is enough: the grant follows membership.
            _ = try setup.call("PUT", "/api/v1/teams/\(team)/members/\(outsider.employee)", bearer: setup.norrAdmin)
            #expect(try setup.permissions(ofKey: outsider.key).count == 2)
            _ = try setup.call("DELETE", "/api/v1/teams/\(team)/members/\(outsider.employee)", bearer: setup.norrAdmin)
            #expect(try setup.permissions(ofKey: outsider.key).isEmpty)

            let revoked = try setup.call("DELETE", "/api/v1/grants/\(grant)", bearer: setup.norrPlanner)
            #expect(revoked.status == 200, "\(revoked.text)")
            let end = try #require(revoked.json?["to"] as? Int64)
            #expect(end <= AccessRouteSetup.now())
            #expect(try setup.permissions(ofKey: member.key).isEmpty)
            #expect(try setup.call("DELETE", "/api/v1/grants/\(grant)", bearer: setup.norrPlanner).status == 409)

            let kept = try setup.call("GET", "/api/v1/grants/\(grant)", bearer: setup.norrAuditor)
            #expect(kept.status == 200)
            #expect(kept.json?["to"] as? Int64 == end)
            let entries = try setup.audit().filter { $0["objectType"] as? String == "grant" }
            #expect(entries.compactMap { $0["action"] as? String } == ["grant.create", "grant.revoke"])
            #expect((entries.last?["before"] as? String)?.contains(#""to""#) == false)
            #expect((entries.last?["after"] as? String)?.contains(#""to":\#(end)"#) == true)
        }
    }

    @Test(
        "a grant to all staff for all recipients carries its weekly schedule to every key", arguments: TestBackend.all)
    func allStaffWithSchedule(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let home = try norrHome(setup)
            let first = try setup.employeeWithKey("N1", bearer: setup.norrAdmin)
            let second = try setup.employeeWithKey("N2", bearer: setup.norrAdmin)
            let soder = try setup.employeeWithKey("S1", bearer: setup.soderAdmin)
            // Monday 07:00–10:00 and 10:00–11:00 touch, so they are kept as one range.
            let created = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrAdmin,
                json: #"""
                    {"subject":"all_staff","target":"all_recipients",
                     "schedule":[{"day":0,"start":600,"end":660},{"day":0,"start":420,"end":600},{"day":3,"start":0,"end":1440}]}
                    """#)
            #expect(created.status == 201, "\(created.text)")
            let schedule = created.json?["schedule"] as? [[String: Int]]
            #expect(schedule == [["day": 0, "start": 420, "end": 660], ["day": 3, "start": 0, "end": 1440]])

            for key in [first.key, second.key] {
                let windows = try #require(try setup.permissions(ofKey: key)[home.apartmentLock])
                #expect(windows.count == 1)
                #expect(windows.first?["schedule"] as? [[String: Int]] == schedule)
            }
            #expect(try setup.permissions(ofKey: soder.key).isEmpty)

            // A grant that starts tomorrow is not in today's shift, and is in tomorrow's.
            let tomorrow = AccessRouteSetup.now() + 24 * 3_600_000
            let later = try setup.employeeWithKey("N3", bearer: setup.norrAdmin)
            let future = try setup.create(
                "/api/v1/grants", bearer: setup.norrPlanner,
                json:
                    #"{"subject":"employee","employeeID":"\#(later.employee)","target":"recipient","recipientID":"\#(home.recipient)","from":\#(tomorrow),"to":\#(tomorrow + 3_600_000)}"#
            )
            let today = try setup.permissions(ofKey: later.key)
            #expect(today[home.apartmentLock]?.count == 1)  // the all-staff grant only
            let next = try setup.permissions(ofKey: later.key, from: tomorrow, hours: 2)
            #expect(next[home.apartmentLock]?.count == 2)

            // Revoked before it starts, it never starts, and a second revocation finds nothing to end.
            let revoked = try setup.call("DELETE", "/api/v1/grants/\(future)", bearer: setup.norrPlanner)
            #expect(revoked.status == 200)
            #expect(revoked.json?["to"] as? Int64 == tomorrow)
            #expect(try setup.permissions(ofKey: later.key, from: tomorrow, hours: 2)[home.apartmentLock]?.count == 1)
            #expect(try setup.call("DELETE", "/api/v1/grants/\(future)", bearer: setup.norrPlanner).status == 409)
        }
    }

    @Test("a planner cannot name another provider's employee, team or recipient", arguments: TestBackend.all)
    func otherProvidersObjects(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let home = try norrHome(setup)
            let district = try setup.access.createDistrict(name: "Söderort")
            let soderHome = try Home(setup.access, alarmCode: "S-200", provider: "org-soder", district: district)
            let soderEmployee = try setup.employeeWithKey("S1", bearer: setup.soderAdmin).employee
            let soderTeam = try setup.create("/api/v1/teams", bearer: setup.soderPlanner, json: #"{"name":"Söder"}"#)
            let own = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee

            let cases: [(String, String, String)] = [
                (
                    #""subject":"employee","employeeID":"\#(soderEmployee)""#,
                    #""subject":"employee","employeeID":"99999""#, "employeeID"
                ),
                (#""subject":"team","teamID":"\#(soderTeam)""#, #""subject":"team","teamID":"99999""#, "teamID"),
            ]
            for (foreign, missing, field) in cases {
                let target = #""target":"all_recipients""#
                let theirs = try setup.call(
                    "POST", "/api/v1/grants", bearer: setup.norrPlanner, json: "{\(foreign),\(target)}")
                let nobody = try setup.call(
                    "POST", "/api/v1/grants", bearer: setup.norrPlanner, json: "{\(missing),\(target)}")
                #expect(theirs.status == 422)
                #expect(nobody.status == 422)
                #expect(Self.fields(theirs) == [field])
                #expect(Self.fields(theirs) == Self.fields(nobody))
                #expect(theirs.json?["errors"] as? [[String: String]] == nobody.json?["errors"] as? [[String: String]])
            }
            let subject = #""subject":"employee","employeeID":"\#(own)""#
            let theirs = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrPlanner,
                json: #"{\#(subject),"target":"recipient","recipientID":"\#(soderHome.recipient)"}"#)
            let nobody = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrPlanner,
                json: #"{\#(subject),"target":"recipient","recipientID":"99999"}"#)
            #expect(theirs.status == 422)
            #expect(Self.fields(theirs) == ["recipientID"])
            #expect(theirs.json?["errors"] as? [[String: String]] == nobody.json?["errors"] as? [[String: String]])
            let elsewhere = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrPlanner,
                json: #"{"organisationID":"org-soder","subject":"all_staff","target":"all_recipients"}"#)
            #expect(elsewhere.status == 404)

            let soderGrant = try setup.create(
                "/api/v1/grants", bearer: setup.soderPlanner,
                json:
                    #"{"subject":"employee","employeeID":"\#(soderEmployee)","target":"recipient","recipientID":"\#(soderHome.recipient)"}"#
            )
            for method in ["GET", "DELETE"] {
                let foreign = try setup.call(method, "/api/v1/grants/\(soderGrant)", bearer: setup.norrPlanner)
                let absent = try setup.call(method, "/api/v1/grants/99999", bearer: setup.norrPlanner)
                #expect(foreign.status == 404)
                #expect(absent.status == 404)
            }
            #expect(try setup.items("/api/v1/grants?employee=\(soderEmployee)", bearer: setup.norrPlanner).isEmpty)
            #expect(try setup.items("/api/v1/grants", bearer: setup.norrAuditor).isEmpty)
            #expect(try setup.items("/api/v1/grants", bearer: setup.soderPlanner).count == 1)
            let onBehalf = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.central,
                json:
                    #"{"organisationID":"org-norr",\#(subject),"target":"recipient","recipientID":"\#(home.recipient)"}"#
            )
            #expect(onBehalf.status == 201, "\(onBehalf.text)")
            #expect(try setup.items("/api/v1/grants", bearer: setup.central).count == 2)
            #expect(
                try setup.call(
                    "POST", "/api/v1/grants", bearer: setup.norrAuditor,
                    json: "{\(subject),\"target\":\"all_recipients\"}"
                ).status == 403)
        }
    }

    @Test("grants are listed by employee, team and recipient, page by page", arguments: TestBackend.all)
    func filters(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let home = try norrHome(setup)
            let employee = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee
            let team = try setup.create("/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Route"}"#)
            let toEmployee = try setup.create(
                "/api/v1/grants", bearer: setup.norrPlanner,
                json:
                    #"{"subject":"employee","employeeID":"\#(employee)","target":"recipient","recipientID":"\#(home.recipient)"}"#
            )
            let toTeam = try setup.create(
                "/api/v1/grants", bearer: setup.norrPlanner,
                json: #"{"subject":"team","teamID":"\#(team)","target":"all_recipients"}"#)
            let toAll = try setup.create(
                "/api/v1/grants", bearer: setup.norrPlanner, json: #"{"subject":"all_staff","target":"all_recipients"}"#
            )

            func ids(_ query: String) throws -> [String] {
                try setup.items("/api/v1/grants\(query)", bearer: setup.norrPlanner).compactMap { $0["id"] as? String }
            }
            #expect(try ids("?employee=\(employee)") == [toEmployee])
            #expect(try ids("?team=\(team)") == [toTeam])
            #expect(try ids("?recipient=\(home.recipient)") == [toEmployee])
            #expect(try ids("") == [toEmployee, toTeam, toAll])
            let page = try setup.call("GET", "/api/v1/grants?limit=2", bearer: setup.norrPlanner)
            let next = try #require(page.json?["next"] as? String)
            #expect(try ids("?after=\(next)") == [toAll])
            #expect(try setup.call("GET", "/api/v1/grants?employee=abc", bearer: setup.norrPlanner).status == 400)
        }
    }

    @Test("invalid subjects, targets, periods and schedules are refused naming each field", arguments: TestBackend.all)
    func validation(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let employee = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee
            let now = AccessRouteSetup.now()
            let cases: [(String, [String])] = [
                (#"{"subject":"everyone","target":"all_recipients"}"#, ["subject"]),
                (#"{"subject":"employee","target":"all_recipients"}"#, ["employeeID"]),
                (#"{"subject":"all_staff","employeeID":"\#(employee)","target":"all_recipients"}"#, ["subject"]),
                (#"{"subject":"all_staff","target":"recipient"}"#, ["recipientID"]),
                (#"{"subject":"all_staff","target":"all_recipients","recipientID":"1"}"#, ["recipientID"]),
                (#"{"subject":"all_staff","target":"somewhere"}"#, ["target"]),
                (#"{"subject":"all_staff","target":"all_recipients","from":\#(now),"to":\#(now)}"#, ["to"]),
                (#"{"subject":"all_staff","target":"all_recipients","schedule":[]}"#, ["schedule"]),
                (
                    #"{"subject":"all_staff","target":"all_recipients","schedule":[{"day":7,"start":0,"end":60},{"day":1,"start":600,"end":540}]}"#,
                    ["schedule[0]", "schedule[1]"]
                ),
                (#"{"subject":"team","target":"somewhere","to":1}"#, ["teamID", "target", "to"]),
            ]
            for (json, fields) in cases {
                let response = try setup.call("POST", "/api/v1/grants", bearer: setup.norrPlanner, json: json)
                #expect(response.status == 422, "\(json): \(response.text)")
                #expect(Self.fields(response) == fields, "\(json)")
            }
            let unnamed = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.central,
                json: #"{"subject":"all_staff","target":"all_recipients"}"#)
            #expect(Self.fields(unnamed) == ["organisationID"])
            let central = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.central,
                json: #"{"organisationID":"org-central","subject":"all_staff","target":"all_recipients"}"#)
            #expect(Self.fields(central) == ["organisationID"])
            #expect(try setup.items("/api/v1/grants", bearer: setup.central).isEmpty)
        }
    }

    @Test("a repeated grant request with the same Idempotency-Key makes one grant", arguments: TestBackend.all)
    func idempotency(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let json = #"{"subject":"all_staff","target":"all_recipients"}"#
            let first = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrPlanner, json: json, headers: [("Idempotency-Key", "g-1")])
            let again = try setup.call(
                "POST", "/api/v1/grants", bearer: setup.norrPlanner, json: json, headers: [("Idempotency-Key", "g-1")])
            #expect(first.status == 201)
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try setup.items("/api/v1/grants", bearer: setup.norrPlanner).count == 1)
            let team = #"{"name":"Night"}"#
            let made = try setup.call(
                "POST", "/api/v1/teams", bearer: setup.norrPlanner, json: team, headers: [("Idempotency-Key", "t-1")])
            let replayed = try setup.call(
                "POST", "/api/v1/teams", bearer: setup.norrPlanner, json: team, headers: [("Idempotency-Key", "t-1")])
            #expect(made.status == 201)
            #expect(replayed.body == made.body)
        }
    }

    static func fields(_ response: TestHTTPResponse) -> [String] {
        (response.json?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
    }
}
