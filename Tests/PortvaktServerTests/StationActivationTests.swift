import Authorization
import Foundation
import KeyCore
import LockCore
import PortvaktProtocol
import PortvaktServer
import PortvaktTesting
import ProtocolTesting
import StationLink
import Storage
import Testing

@Suite("Activation and prefetch through the station")
struct StationActivationTests {
    @Test(
        "a key docked for the first time is bound, and its credential is accepted by the key and opens its doors",
        arguments: TestBackend.all)
    func readyKeyOpensDoors(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let recipient = try world.home("A-1", apartment: 1, entrance: 2)
            try world.employeeWithKey("NORR-1", recipient: recipient)
            var key = world.keyDevice(seed: 0x44)

            let early = try world.activation("NORR-1", at: station)
            #expect(early.result == .refused)
            #expect(early.reason == .keyUnknown)
            let docked = try world.dock(&key, serial: "NORR-1", at: station)
            #expect(docked.status == 200)

            let answer = try world.activation("NORR-1", at: station)
            #expect(answer.result == .ready)
            #expect(answer.doorCount == 2)
            #expect(answer.validUntil == world.clock.now + 8 * 3600 * 1000)
            let bytes = world.bytes(try #require(answer.activation))
            let activation = try Activation.decode(bytes)
            #expect(activation.permissions.map(\.schedule) == [.always, .always])
            #expect(activation.eventRecipient == world.keys.event.publicKey)
            #expect(activation.revocationLists.map(\.version) == [1])
            try key.activate(bytes)

            let lockClock = TestClock(now: UInt64(world.clock.now / 1000) + 60)
            for (byte, opens) in [(UInt8(1), true), (2, true), (3, false)] {
                var lock = world.fixture.makeLock(id: DoorFixture.lockID(byte), clock: lockClock)
                let run = try? runDoor(key: &key, lock: &lock)
                #expect((run?.decision.opened ?? false) == opens, "lock \(byte)")
            }
            let audit = try world.call("GET", "/api/v1/audit?limit=500", bearer: world.central)
            #expect(audit.text.contains("key.enrol"))
        }
    }

    @Test("a weekly schedule becomes visit windows in local time, and the lock keeps to them")
    func scheduledGrant() throws {
        try StationWorld.with(.sqlite) { world in
            let station = try world.enrolledStation()
            let recipient = try world.home("A-2", apartment: 4, entrance: 5)
            // Mondays 10:00 to 12:00 in Stockholm: 09:00 to 11:00 UTC on the test's Monday.
            try world.employeeWithKey(
                "NORR-2", recipient: recipient, schedule: WeeklySchedule.daily([0], from: 600, to: 720))
            var key = world.keyDevice(seed: 0x45)
            _ = try world.dock(&key, serial: "NORR-2", at: station)

            let answer = try world.activation("NORR-2", at: station)
            let activation = try Activation.decode(world.bytes(try #require(answer.activation)))
            let monday = DoorFixture.monday0800
            #expect(activation.permissions.count == 2)
            #expect(
                activation.permissions.allSatisfy {
                    $0.schedule == .visit(notBefore: monday + 3600, notAfter: monday + 3 * 3600 - 1)
                })
            #expect(activation.credential.utcOffsetMinutes == 60)
            try key.activate(world.bytes(try #require(answer.activation)))

            for (offset, opens) in [(UInt64(1800), false), (5400, true), (3 * 3600 + 60, false)] {
                var lock = world.fixture.makeLock(id: DoorFixture.lockID(4), clock: TestClock(now: monday + offset))
                let run = try? runDoor(key: &key, lock: &lock)
                #expect((run?.decision.opened ?? false) == opens, "at 08:00 UTC + \(offset) s")
            }
        }
    }

    @Test("each reason a key is refused is given with whom to contact", arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let recipient = try world.home("A-3", apartment: 6, entrance: 7)
            var expected: [(String, RefusalReason, battery: Int?)] = [("NOT-REGISTERED", .keyUnknown, nil)]

            // Docked at its own provider's station first, so its public key is bound and only the
            // provider filter can make it unknown at Norr's station.
            let soderStation = try world.enrolledStation(organisation: "org-soder")
            try world.employeeWithKey("SODER-1", provider: "org-soder")
            var soder = world.keyDevice(seed: 0x50)
            #expect(try world.dock(&soder, serial: "SODER-1", at: soderStation).status == 200)
            #expect(try world.dock(&soder, serial: "SODER-1", at: station).status == 404)
            expected.append(("SODER-1", .keyUnknown, nil))

            for (serial, seed) in [("LOST-1", UInt8(0x51)), ("RETIRED-1", 0x52), ("LOW-1", 0x53)] {
                try world.employeeWithKey(serial, recipient: recipient)
                var device = world.keyDevice(seed: seed)
                _ = try world.dock(&device, serial: serial, at: station, battery: serial == "LOW-1" ? 4 : 80)
            }
            let lost = try #require(try world.keyID("LOST-1"))
            try world.access.reportKeyLost(lost)
            try world.access.retireKey(try #require(try world.keyID("RETIRED-1")))
            expected += [("LOST-1", .keyBlocked, nil), ("RETIRED-1", .keyBlocked, nil), ("LOW-1", .batteryLow, nil)]

            let unassigned = try world.access.registerKey(provider: "org-norr", serial: "SPARE-1")
            var spare = world.keyDevice(seed: 0x54)
            _ = try world.dock(&spare, serial: "SPARE-1", at: station)
            expected.append(("SPARE-1", .keyNotAssigned, nil))
            #expect(unassigned.rawValue > 0)

            try world.employeeWithKey("IDLE-1")
            var idle = world.keyDevice(seed: 0x55)
            _ = try world.dock(&idle, serial: "IDLE-1", at: station)
            expected += [("IDLE-1", .noPermissions, nil), ("IDLE-1", .noPermissions, 9)]

            let (busy, _) = try world.employeeWithKey("BUSY-1")
            try world.manyLocks(4_001, for: busy)
            var crowded = world.keyDevice(seed: 0x56)
            _ = try world.dock(&crowded, serial: "BUSY-1", at: station)
            expected += [("BUSY-1", .overCapacity, nil), ("BUSY-1", .overCapacity, 9)]

            for (serial, reason, battery) in expected {
                let answer = try world.activation(serial, at: station, battery: battery)
                #expect(answer.result == .refused, "\(serial)")
                #expect(answer.reason == reason, "\(serial)")
                #expect(answer.contact == reason.contact, "\(serial)")
                #expect((answer.message ?? "").count > 10, "\(serial)")
                #expect(answer.activation == nil, "\(serial)")
            }
            #expect(RefusalReason.keyBlocked.contact == .centralUnit)
            #expect(RefusalReason.noPermissions.contact == .planner)
        }
    }

    @Test(
        "prefetch gives credentials for the provider's assigned, enrolled keys, and a list blocking a lost key",
        arguments: TestBackend.all)
    func prefetch(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let recipient = try world.home("A-4", apartment: 8, entrance: 9)
            var ready = world.keyDevice(seed: 0x60)
            var lost = world.keyDevice(seed: 0x61)
            try world.employeeWithKey("READY-1", recipient: recipient)
            try world.employeeWithKey("NEVER-DOCKED", recipient: recipient)
            try world.employeeWithKey("LOST-2", recipient: recipient)
            // Söder's key is enrolled and has a door, so only the provider filter keeps it out.
            let soderHome = try world.home("S-4", apartment: 10, entrance: 11, provider: "org-soder")
            try world.employeeWithKey("SODER-2", provider: "org-soder", recipient: soderHome)
            var soder = world.keyDevice(seed: 0x62)
            #expect(
                try world.dock(&soder, serial: "SODER-2", at: world.enrolledStation(organisation: "org-soder")).status
                    == 200)
            _ = try world.dock(&ready, serial: "READY-1", at: station)
            _ = try world.dock(&lost, serial: "LOST-2", at: station)
            let heartbeat = HeartbeatRequest(queueDepth: 0, power: .mains, uplink: "wired", version: "1")
            let before = try station.send(.heartbeat, heartbeat, as: HeartbeatResponse.self).answer?.revocationVersion
            world.clock.advance(1000)
            try world.access.reportKeyLost(try #require(try world.keyID("LOST-2")))
            world.clock.advance(1000)

            let request = PrefetchRequest(shiftStart: world.clock.now, shiftEnd: world.clock.now + 10 * 3600 * 1000)
            let sent = try station.send(.prefetch, request, as: PrefetchResponse.self)
            #expect(sent.status == 200)
            let answer = try #require(sent.answer)
            #expect(answer.activations.map(\.keySerial) == ["READY-1"])
            #expect(answer.activations.first?.doorCount == 2)
            #expect(world.bytes(answer.activations.first?.keyPublicKey ?? "") == ready.publicKey)
            try ready.activate(world.bytes(answer.activations[0].activation))

            let list = try RevocationList.decode(world.bytes(try #require(answer.revocationLists.first)))
            #expect(list.entries.map(\.keyID) == [lost.keyID])
            let after = try station.send(.heartbeat, heartbeat, as: HeartbeatResponse.self).answer?.revocationVersion
            #expect(after == list.version)
            #expect((after ?? 0) > (before ?? .max))

            let tooLong = PrefetchRequest(shiftStart: world.clock.now, shiftEnd: world.clock.now + 17 * 3600 * 1000)
            #expect(try station.send(.prefetch, tooLong, as: PrefetchResponse.self).status == 422)
        }
    }
}

extension StationWorld {
    /// The server's id of the key with `serial`.
    func keyID(_ serial: String) throws -> Authorization.KeyID? {
        try database.read { connection in
            try connection.first("SELECT id FROM keys WHERE serial = $1", [.text(serial)]).map {
                Authorization.KeyID(try $0.integer("id"))
            }
        }
    }

    /// Gives `employee` `count` locks through an area grant on a district of that many doors.
    func manyLocks(_ count: Int, for employee: EmployeeID) throws {
        let district = try access.createDistrict(name: "Crowded")
        let building = try access.createBuilding(address: "Stora torget 1", district: district)
        try database.write { connection in
            try connection.execute(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
                INSERT INTO doors (building_id, kind, label) SELECT $1, 'entrance', 'D' || CAST(i AS TEXT) FROM n
                """, [.integer(building.rawValue), .integer(Int64(count))])
            try connection.execute(
                """
                INSERT INTO lock_installations (lock_id, door_id, installed_at)
                SELECT 'crowded-' || CAST(id AS TEXT), id, $2 FROM doors WHERE building_id = $1
                """, [.integer(building.rawValue), .integer(since.millisecondsSinceEpoch)])
        }
        _ = try access.grantArea(employee: employee, district: district, validity: Period(start: since))
    }
}
