import Authorization
import Foundation
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("Area and emergency grants over HTTP")
struct CentralGrantRouteTests {
    @Test(
        "an area grant opens every door in the district for the staff and team members named",
        arguments: TestBackend.all)
    func areaGrant(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let district = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Norrmalm"}"#)
            let elsewhere = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Söderort"}"#)
            _ = try setup.call("PUT", "/api/v1/organisations/org-norr/districts/\(district)", bearer: setup.central)
            // Homes of both providers in the district: an area grant covers every building in it.
            let norrHome = try Home(
                setup.access, alarmCode: "N-1", provider: "org-norr", district: DistrictID(Int64(district)!))
            let soderHome = try Home(
                setup.access, alarmCode: "S-1", provider: "org-soder", district: DistrictID(Int64(district)!))
            let farHome = try Home(
                setup.access, alarmCode: "S-2", provider: "org-soder", district: DistrictID(Int64(elsewhere)!))
            let named = try setup.employeeWithKey("N1", bearer: setup.norrAdmin)
            let patrol = try setup.employeeWithKey("N2", bearer: setup.norrAdmin)
            let dayShift = try setup.employeeWithKey("N3", bearer: setup.norrAdmin)
            let team = try setup.create("/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Night patrol"}"#)
            _ = try setup.call("PUT", "/api/v1/teams/\(team)/members/\(patrol.employee)", bearer: setup.norrPlanner)

            let created = try setup.call(
                "POST", "/api/v1/area-grants", bearer: setup.central,
                json: #"""
                    {"organisationID":"org-norr","employeeIDs":["\#(named.employee)"],"teamIDs":["\#(team)"],
                     "districtIDs":["\#(district)"],"schedule":[{"day":0,"start":1260,"end":1440}]}
                    """#)
            #expect(created.status == 201, "\(created.text)")
            let grants = try #require(created.json?["items"] as? [[String: Any]])
            #expect(grants.compactMap { $0["employeeID"] as? String } == [named.employee, patrol.employee])
            #expect(grants.allSatisfy { $0["organisationID"] as? String == "org-norr" })
            let expected: Set = [
                norrHome.apartmentLock, norrHome.entranceLock, soderHome.apartmentLock, soderHome.entranceLock,
            ]
            for key in [named.key, patrol.key] {
                let locks = try setup.permissions(ofKey: key)
                #expect(Set(locks.keys) == expected)
                #expect(locks[farHome.apartmentLock] == nil)
                #expect(
                    locks[soderHome.apartmentLock]?.first?["schedule"] as? [[String: Int]] == [
                        ["day": 0, "start": 1260, "end": 1440]
                    ])
            }
            #expect(try setup.permissions(ofKey: dayShift.key).isEmpty)

            // Norr's roles read their own staff's area grants; Söder's see none of them.
            #expect(try setup.items("/api/v1/area-grants", bearer: setup.norrPlanner).count == 2)
            #expect(
                try setup.items("/api/v1/area-grants?employee=\(named.employee)", bearer: setup.norrAuditor).count == 1)
            #expect(try setup.items("/api/v1/area-grants", bearer: setup.soderPlanner).isEmpty)
            let first = try #require(grants.first?["id"] as? String)
            #expect(try setup.call("GET", "/api/v1/area-grants/\(first)", bearer: setup.soderPlanner).status == 404)
            #expect(try setup.call("GET", "/api/v1/area-grants/\(first)", bearer: setup.norrPlanner).status == 200)
            #expect(try setup.call("DELETE", "/api/v1/area-grants/\(first)", bearer: setup.norrAdmin).status == 403)

            let revoked = try setup.call("DELETE", "/api/v1/area-grants/\(first)", bearer: setup.central)
            #expect(revoked.status == 200, "\(revoked.text)")
            #expect(revoked.json?["to"] as? Int64 != nil)
            #expect(try setup.permissions(ofKey: named.key).isEmpty)
            #expect(try setup.permissions(ofKey: patrol.key).count == 4)
            #expect(try setup.call("DELETE", "/api/v1/area-grants/\(first)", bearer: setup.central).status == 409)
            let actions = try setup.auditActions()
            #expect(actions.filter { $0 == "area_grant.create" }.count == 2)
            #expect(actions.filter { $0 == "area_grant.revoke" }.count == 1)
            let entry = try setup.audit().first { $0["action"] as? String == "area_grant.revoke" }
            #expect(entry?["organisationID"] as? String == "org-norr")
        }
    }

    @Test("area grants stay within the provider's staff and districts", arguments: TestBackend.all)
    func areaGrantRefusals(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let district = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Norrmalm"}"#)
            let other = try setup.create("/api/v1/districts", bearer: setup.central, json: #"{"name":"Söderort"}"#)
            _ = try setup.call("PUT", "/api/v1/organisations/org-norr/districts/\(district)", bearer: setup.central)
            let own = try setup.employeeWithKey("N1", bearer: setup.norrAdmin).employee
            let soder = try setup.employeeWithKey("S1", bearer: setup.soderAdmin).employee
            let emptyTeam = try setup.create("/api/v1/teams", bearer: setup.norrPlanner, json: #"{"name":"Empty"}"#)

            let cases: [(String, [String])] = [
                (
                    #"{"organisationID":"org-norr","employeeIDs":["\#(soder)"],"districtIDs":["\#(district)"]}"#,
                    ["employeeIDs[0]"]
                ),
                (
                    #"{"organisationID":"org-norr","employeeIDs":["\#(own)"],"districtIDs":["\#(other)"]}"#,
                    ["districtIDs[0]"]
                ),
                (
                    #"{"organisationID":"org-norr","teamIDs":["\#(emptyTeam)"],"districtIDs":["\#(district)"]}"#,
                    ["employeeIDs"]
                ),
                (#"{"organisationID":"org-norr","employeeIDs":["\#(own)"],"districtIDs":[]}"#, ["districtIDs"]),
                (
                    #"{"organisationID":"org-central","employeeIDs":["\#(own)"],"districtIDs":["\#(district)"]}"#,
                    ["organisationID"]
                ),
                (
                    #"{"organisationID":"org-norr","employeeIDs":["\#(own)"],"districtIDs":["\#(district)"],"to":1}"#,
                    ["to"]
                ),
            ]
            for (json, fields) in cases {
                let response = try setup.call("POST", "/api/v1/area-grants", bearer: setup.central, json: json)
                #expect(response.status == 422, "\(json): \(response.text)")
                #expect(GrantRouteTests.fields(response) == fields, "\(json)")
            }
            let planner = try setup.call(
                "POST", "/api/v1/area-grants", bearer: setup.norrPlanner,
                json: #"{"organisationID":"org-norr","employeeIDs":["\#(own)"],"districtIDs":["\#(district)"]}"#)
            #expect(planner.status == 403)
            #expect(try setup.items("/api/v1/area-grants", bearer: setup.central).isEmpty)
        }
    }

    @Test(
        "an emergency grant opens one recipient's doors until it expires, or until it is ended",
        arguments: TestBackend.all)
    func emergencyGrant(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let district = try setup.access.createDistrict(name: "Söderort")
            let home = try Home(setup.access, alarmCode: "S-1", provider: "org-soder", district: district)
            let nurse = try setup.employeeWithKey("N1", bearer: setup.norrAdmin)

            let created = try setup.call(
                "POST", "/api/v1/emergency-grants", bearer: setup.central,
                json:
                    #"{"keyID":"\#(nurse.key)","recipientID":"\#(home.recipient)","durationMinutes":1,"reason":"safety_alarm"}"#
            )
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json?["employeeID"] as? String == nurse.employee)
            #expect(created.json?["organisationID"] as? String == "org-norr")
            let from = try #require(created.json?["from"] as? Int64)
            let to = try #require(created.json?["to"] as? Int64)
            #expect(to - from == 60_000)

            let now = try setup.permissions(ofKey: nurse.key, from: from, hours: 1)
            #expect(Set(now.keys) == [home.apartmentLock, home.entranceLock])
            #expect(now[home.apartmentLock]?.first?["end"] as? Int64 == to)
            #expect(try setup.permissions(ofKey: nurse.key, from: to, hours: 1).isEmpty)

            // Norr reads the emergency grants of its own staff; Söder, whose recipient it is, does not.
            #expect(try setup.items("/api/v1/emergency-grants", bearer: setup.norrPlanner).count == 1)
            #expect(try setup.items("/api/v1/emergency-grants", bearer: setup.soderPlanner).isEmpty)
            let id = try #require(created.json?["id"] as? String)
            #expect(try setup.call("GET", "/api/v1/emergency-grants/\(id)", bearer: setup.soderAdmin).status == 404)
            #expect(try setup.call("GET", "/api/v1/emergency-grants/\(id)", bearer: setup.norrAuditor).status == 200)

            let lock = try setup.call(
                "POST", "/api/v1/emergency-grants", bearer: setup.central,
                json:
                    #"{"employeeID":"\#(nurse.employee)","lockID":"\#(home.entranceLock)","durationMinutes":240,"reason":"key_or_lock_failure"}"#
            )
            #expect(lock.status == 201, "\(lock.text)")
            #expect(lock.json?["doorID"] as? String != nil)
            #expect(lock.json?["recipientID"] == nil)
            let lockID = try #require(lock.json?["id"] as? String)
            let later = try setup.permissions(ofKey: nurse.key, from: to, hours: 1)
            #expect(Set(later.keys) == [home.entranceLock])

            let ended = try setup.call("DELETE", "/api/v1/emergency-grants/\(lockID)", bearer: setup.central)
            #expect(ended.status == 200, "\(ended.text)")
            #expect(try setup.permissions(ofKey: nurse.key, from: to, hours: 1).isEmpty)
            #expect(try setup.call("DELETE", "/api/v1/emergency-grants/\(lockID)", bearer: setup.central).status == 409)
            let entry = try setup.audit().first { $0["action"] as? String == "emergency_grant.create" }
            #expect((entry?["after"] as? String)?.contains(#""reason":"safety_alarm""#) == true)
            #expect(entry?["organisationID"] as? String == "org-norr")
        }
    }

    @Test(
        "emergency grants are short, for a reason from the list, and for one employee and one target",
        arguments: TestBackend.all)
    func emergencyRefusals(backend: TestBackend) throws {
        try AccessRouteSetup.with(backend) { setup in
            let district = try setup.access.createDistrict(name: "Norrmalm")
            let home = try Home(setup.access, alarmCode: "N-1", provider: "org-norr", district: district)
            let nurse = try setup.employeeWithKey("N1", bearer: setup.norrAdmin)
            let target = #""recipientID":"\#(home.recipient)""#
            let employee = #""employeeID":"\#(nurse.employee)""#
            let cases: [(String, [String])] = [
                (#"{\#(employee),\#(target),"durationMinutes":241,"reason":"safety_alarm"}"#, ["durationMinutes"]),
                (#"{\#(employee),\#(target),"durationMinutes":30,"reason":"the neighbour called"}"#, ["reason"]),
                (
                    #"{\#(employee),"keyID":"\#(nurse.key)",\#(target),"durationMinutes":30,"reason":"no_contact"}"#,
                    ["employeeID"]
                ),
                (
                    #"{\#(employee),\#(target),"lockID":"x","durationMinutes":30,"reason":"no_contact"}"#,
                    ["recipientID"]
                ),
                (#"{\#(employee),"lockID":"not-a-lock","durationMinutes":30,"reason":"no_contact"}"#, ["lockID"]),
                (
                    #"{\#(employee),"lockID":"\#(Home.lockID())","durationMinutes":30,"reason":"no_contact"}"#,
                    ["lockID"]
                ),
                (#"{"employeeID":"99999",\#(target),"durationMinutes":30,"reason":"no_contact"}"#, ["employeeID"]),
            ]
            for (json, fields) in cases {
                let response = try setup.call("POST", "/api/v1/emergency-grants", bearer: setup.central, json: json)
                #expect(response.status == 422, "\(json): \(response.text)")
                #expect(GrantRouteTests.fields(response) == fields, "\(json)")
            }
            let lost = try setup.call("POST", "/api/v1/keys/\(nurse.key)/lost", bearer: setup.norrAdmin)
            #expect(lost.status == 200)
            let lostKey = try setup.call(
                "POST", "/api/v1/emergency-grants", bearer: setup.central,
                json: #"{"keyID":"\#(nurse.key)",\#(target),"durationMinutes":30,"reason":"staff_unavailable"}"#)
            #expect(GrantRouteTests.fields(lostKey) == ["keyID"])
            let planner = try setup.call(
                "POST", "/api/v1/emergency-grants", bearer: setup.norrPlanner,
                json: #"{\#(employee),\#(target),"durationMinutes":30,"reason":"safety_alarm"}"#)
            #expect(planner.status == 403)
            #expect(try setup.items("/api/v1/emergency-grants", bearer: setup.central).isEmpty)
        }
    }
}
