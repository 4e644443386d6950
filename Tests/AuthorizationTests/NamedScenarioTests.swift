import Authorization
import PortvaktTesting
import Testing

@Suite("Named access scenarios")
struct NamedScenarioTests {
    @Test(
        "after a provider change the old provider's night patrol loses the apartment and its entrance",
        arguments: TestBackend.all)
    func providerChangeEndsNightPatrol(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .team(city.nightTeam), .allRecipients)
            try city.store.changeProvider(of: city.r1, to: "soder", effective: Day.at(5).wall)

            #expect(try city.locks(city.nilsKey, onDay: 3) == ["A1", "E1"])
            #expect(try city.locks(city.nilsKey, onDay: 6) == [])
            #expect(try city.store.providerHistory(of: city.r1).map(\.provider) == ["norr", "soder"])
        }
    }

    @Test(
        "a shared entrance opens for the staff of every provider with a recipient behind it", arguments: TestBackend.all
    )
    func sharedEntrance(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            _ = try city.grant("soder", .employee(city.bo), .recipient(city.r2))

            #expect(try city.locks(city.annasKey, onDay: 10) == ["A1", "E1"])
            #expect(try city.locks(city.bosKey, onDay: 10) == ["A2", "E1"])
        }
    }

    @Test(
        "a future-dated provider change keeps access until its date, and the new provider may grant ahead",
        arguments: TestBackend.all)
    func futureProviderChange(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            try city.store.changeProvider(of: city.r1, to: "soder", effective: Day.at(20).wall)
            _ = try city.grant("soder", .employee(city.bo), .recipient(city.r1))

            #expect(try city.locks(city.annasKey, onDay: 15) == ["A1", "E1"])
            #expect(try city.locks(city.bosKey, onDay: 15) == [])
            #expect(try city.locks(city.annasKey, onDay: 21) == [])
            #expect(try city.locks(city.bosKey, onDay: 21) == ["A1", "E1"])
        }
    }

    @Test("a shift that spans the provider change gets the apartment only until the change", arguments: TestBackend.all)
    func changeInsideShift(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            try city.store.changeProvider(of: city.r1, to: "soder", effective: Day.at(12, 14).wall)

            let result = try city.permissions(city.annasKey, onDay: 12)
            #expect(result.permissions.map(\.lockID) == ["A1", "E1"])
            #expect(result.permissions.allSatisfy { $0.windows.map(\.end) == [Day.at(12, 14).wall] })
        }
    }

    @Test(
        "a lost key opens nothing at once, and its replacement carries the same permissions", arguments: TestBackend.all
    )
    func lostKey(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            try city.store.reportKeyLost(city.annasKey)
            let replacement = try city.store.replaceKey(city.annasKey, withSerial: "K-anna-2")

            #expect(try city.locks(city.annasKey, onDay: 10) == [])
            #expect(try city.locks(replacement, onDay: 10) == ["A1", "E1"])
            #expect(throws: AccessError.self) { try city.store.assignKey(city.annasKey, to: city.anna) }
        }
    }

    @Test(
        "a recipient who moves house takes the access to the new door, and the old entrance closes with the old door",
        arguments: TestBackend.all)
    func moveHouse(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            let other = try city.store.createBuilding(address: "Lillgatan 2", district: city.district)
            let newDoor = try city.store.addDoor(to: other, kind: .apartment, label: "bv")
            try city.store.installLock("B1", on: newDoor, at: Day.at(0).wall)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            try city.store.move(city.r1, from: city.apartment1, to: newDoor, at: Day.at(5).wall)

            #expect(try city.locks(city.annasKey, onDay: 4) == ["A1", "E1"])
            #expect(try city.locks(city.annasKey, onDay: 6) == ["B1"])
        }
    }

    @Test("a recipient with two apartment doors can be visited through both", arguments: TestBackend.all)
    func twoDoors(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            try city.store.moveIn(city.r1, door: city.apartment3, from: Day.at(0).wall)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))

            #expect(try city.locks(city.annasKey, onDay: 10) == ["A1", "C1", "E1"])
        }
    }

    @Test("a lock fitted in place of a faulty one keeps the door's permissions", arguments: TestBackend.all)
    func replacedLock(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            try city.store.replaceLock("A1", with: "A1-new", at: Day.at(5).wall)

            #expect(try city.locks(city.annasKey, onDay: 4) == ["A1", "E1"])
            #expect(try city.locks(city.annasKey, onDay: 6) == ["A1-new", "E1"])
        }
    }

    @Test("a team grant reaches members only while they are in the team", arguments: TestBackend.all)
    func teamMembership(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .team(city.nightTeam), .recipient(city.r1))
            try city.store.addMember(city.anna, toTeam: city.nightTeam)
            #expect(try city.locks(city.annasKey, onDay: 10) == ["A1", "E1"])

            try city.store.removeMember(city.anna, fromTeam: city.nightTeam)
            #expect(try city.locks(city.annasKey, onDay: 10) == [])
            #expect(try city.locks(city.nilsKey, onDay: 10) == ["A1", "E1"])
        }
    }

    @Test(
        "two schedules for the same lock and window are united, and no schedule means any time",
        arguments: TestBackend.all)
    func scheduleUnion(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            let mornings = WeeklySchedule.daily(0...4, from: 7 * 60, to: 10 * 60)
            let evenings = WeeklySchedule.daily(0...4, from: 18 * 60, to: 21 * 60)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1), schedule: mornings)
            _ = try city.grant("norr", .allStaff, .recipient(city.r1), schedule: evenings)

            let both = try city.permissions(city.annasKey, onDay: 10).permissions
            #expect(
                both.map { $0.windows.map(\.schedule) } == [[mornings.union(evenings)], [mornings.union(evenings)]])

            _ = try city.grant("norr", .team(city.nightTeam), .recipient(city.r1))
            try city.store.addMember(city.anna, toTeam: city.nightTeam)
            let anyTime = try city.permissions(city.annasKey, onDay: 10).permissions
            #expect(anyTime.map { $0.windows.map(\.schedule) } == [[nil], [nil]])
        }
    }

    @Test("emergency access opens the apartment and its entrance for the given hours only", arguments: TestBackend.all)
    func emergency(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.store.grantEmergency(
                employee: city.bo, target: .recipient(city.r1),
                validity: Period(start: Day.at(10, 2).wall, end: Day.at(10, 4).wall), reason: "safety alarm")

            let result = try city.permissions(city.bosKey, onDay: 10)
            #expect(result.permissions.map(\.lockID) == ["A1", "E1"])
            #expect(
                result.permissions.allSatisfy {
                    $0.windows == [.init(start: Day.at(10, 2).wall, end: Day.at(10, 4).wall, schedule: nil)]
                })
            #expect(try city.locks(city.bosKey, onDay: 11) == [])
        }
    }

    @Test(
        "an area grant opens every lock in the district, whoever the recipients' providers are",
        arguments: TestBackend.all)
    func areaGrant(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.store.grantArea(
                employee: city.nils, district: city.district,
                validity: Period(start: Day.at(9).wall, end: Day.at(11).wall))

            #expect(try city.locks(city.nilsKey, onDay: 10) == ["A1", "A2", "C1", "E1"])
            #expect(try city.locks(city.nilsKey, onDay: 12) == [])
        }
    }

    @Test("a deactivated employee's key opens nothing", arguments: TestBackend.all)
    func deactivatedEmployee(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .allStaff, .allRecipients)
            try city.store.deactivateEmployee(city.anna)

            #expect(try city.locks(city.annasKey, onDay: 10) == [])
            #expect(try city.locks(city.nilsKey, onDay: 10) == ["A1", "E1"])
        }
    }

    @Test("a revoked grant ends now and a grant revoked before its start never starts", arguments: TestBackend.all)
    func revoke(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            let running = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            try city.store.revokeGrant(running, provider: "norr")

            #expect(try city.locks(city.annasKey, onDay: 9) == ["A1", "E1"])
            #expect(try city.locks(city.annasKey, onDay: 10) == [])
            #expect(throws: AccessError.self) { try city.store.revokeGrant(running, provider: "norr") }
        }
    }

    @Test(
        "the keys a provider change affects are those its grants reach for the recipient", arguments: TestBackend.all)
    func affectedKeys(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1))
            _ = try city.grant("norr", .team(city.nightTeam), .allRecipients)
            _ = try city.grant("soder", .employee(city.bo), .recipient(city.r2))

            #expect(try city.store.keysAffected(byProviderChangeOf: city.r1) == [city.annasKey, city.nilsKey])
            #expect(try city.store.keysAffected(byProviderChangeOf: city.r2) == [city.bosKey])
        }
    }
}
