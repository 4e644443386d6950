import Authorization
import PortvaktTesting
import Testing

@Suite("Refused changes")
struct ValidationTests {
    /// Runs `change` and returns the code of the `AccessError` it throws.
    func code(_ change: () throws -> Void) -> AccessError.Code? {
        do {
            try change()
            return nil
        } catch let error as AccessError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test("a planner cannot grant another provider's employee or team", arguments: TestBackend.all)
    func notOwnStaff(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            #expect(code { _ = try city.grant("soder", .employee(city.anna), .recipient(city.r2)) } == .notOwnStaff)
            #expect(code { _ = try city.grant("soder", .team(city.nightTeam), .recipient(city.r2)) } == .notOwnStaff)
            #expect(code { try city.store.addMember(city.bo, toTeam: city.nightTeam) } == .notOwnStaff)
        }
    }

    @Test("a planner cannot grant access to a recipient the provider does not serve", arguments: TestBackend.all)
    func notOwnRecipient(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            #expect(code { _ = try city.grant("norr", .employee(city.anna), .recipient(city.r2)) } == .notOwnRecipient)

            try city.store.changeProvider(of: city.r1, to: "soder", effective: Day.at(5).wall)
            #expect(code { _ = try city.grant("norr", .employee(city.anna), .recipient(city.r1)) } == .notOwnRecipient)
        }
    }

    @Test(
        "a provider change to the current provider, or dated before the last change, is refused",
        arguments: TestBackend.all)
    func providerChangeRules(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            #expect(
                code { try city.store.changeProvider(of: city.r1, to: "norr", effective: Day.at(5).wall) } == .conflict)
            try city.store.changeProvider(of: city.r1, to: "soder", effective: Day.at(5).wall)
            #expect(
                code { try city.store.changeProvider(of: city.r1, to: "norr", effective: Day.at(4).wall) }
                    == .invalidPeriod)
            #expect(try city.store.providerHistory(of: city.r1).count == 2)
        }
    }

    @Test("an apartment door has one household at a time and an entrance has none", arguments: TestBackend.all)
    func occupancyRules(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            #expect(code { try city.store.moveIn(city.r2, door: city.apartment1, from: Day.at(5).wall) } == .conflict)
            #expect(
                code { try city.store.moveIn(city.r2, door: city.entrance, from: Day.at(5).wall) } == .wrongDoorKind)
        }
    }

    @Test("duplicate alarm codes, key serials and installed locks are refused", arguments: TestBackend.all)
    func duplicates(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            #expect(
                code { _ = try city.store.registerRecipient(alarmCode: "1001", provider: "norr", from: Day.at(0).wall) }
                    == .duplicate)
            #expect(code { _ = try city.store.registerKey(provider: "norr", serial: "K-anna") } == .duplicate)
            #expect(code { try city.store.installLock("A1", on: city.apartment3, at: Day.at(1).wall) } == .duplicate)
            #expect(code { try city.store.installLock("X9", on: city.apartment1, at: Day.at(1).wall) } == .duplicate)
        }
    }

    @Test(
        "periods that end before they start and emergency grants without an end are refused", arguments: TestBackend.all
    )
    func periods(_ backend: TestBackend) throws {
        try backend.withDatabase { test in
            let city = try Fixture(test.database)
            let backwards = Period(start: Day.at(5).wall, end: Day.at(4).wall)
            #expect(
                code {
                    _ = try city.store.grant(
                        ProviderGrant(provider: "norr", subject: .allStaff, target: .allRecipients, validity: backwards)
                    )
                } == .invalidPeriod)
            #expect(
                code {
                    _ = try city.store.grantEmergency(
                        employee: city.bo, target: .door(city.entrance), validity: Period(start: Day.at(5).wall),
                        reason: "alarm")
                } == .invalidPeriod)
        }
    }
}
