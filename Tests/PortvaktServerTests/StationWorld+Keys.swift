import Authorization
import Foundation
import KeyCore
import Observability
import PortvaktProtocol
import PortvaktServer
import ProtocolTesting
import StationLink
import Storage
import Testing

/// The access-model side of the station tests: homes with locks, employees with keys, and
/// docking a `KeyCore` key at a station.
extension StationWorld {
    /// A lock id as the access model stores it: the protocol's 16 bytes in lowercase hex.
    static func lockText(_ byte: UInt8) -> String {
        DoorFixture.lockID(byte).bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A day before the tests' "now", from when homes, locks and grants hold.
    var since: WallTime { WallTime(millisecondsSinceEpoch: clock.now - 24 * 3600 * 1000) }

    /// A recipient of `provider` living behind an apartment door with lock `apartment`, in a
    /// building whose entrance has lock `entrance`.
    func home(_ alarmCode: String, apartment: UInt8, entrance: UInt8, provider: String = "org-norr") throws
        -> RecipientID
    {
        let district = try access.createDistrict(name: "District \(alarmCode)")
        let building = try access.createBuilding(address: "Storgatan \(alarmCode)", district: district)
        let door = try access.addDoor(to: building, kind: .apartment, label: "1101")
        let front = try access.addDoor(to: building, kind: .entrance, label: "A")
        try access.installLock(Self.lockText(apartment), on: door, at: since)
        try access.installLock(Self.lockText(entrance), on: front, at: since)
        let recipient = try access.registerRecipient(alarmCode: alarmCode, provider: provider, from: since)
        try access.moveIn(recipient, door: door, from: since)
        return recipient
    }

    /// An employee of `provider` holding a new key with `serial`, granted `recipient`'s home.
    @discardableResult
    func employeeWithKey(
        _ serial: String, provider: String = "org-norr", recipient: RecipientID? = nil,
        schedule: WeeklySchedule? = nil
    ) throws -> (employee: EmployeeID, key: Authorization.KeyID) {
        let employee = try access.registerEmployee(provider: provider, number: serial, displayName: "Staff \(serial)")
        let key = try access.registerKey(provider: provider, serial: serial)
        try access.assignKey(key, to: employee)
        if let recipient {
            _ = try access.grant(
                ProviderGrant(
                    provider: provider, subject: .employee(employee), target: .recipient(recipient),
                    validity: Period(start: since), schedule: schedule))
        }
        return (employee, key)
    }

    /// A key device made from `seed`, trusting the server's issuer, with its clock at now.
    func keyDevice(seed: UInt8) -> TestKey {
        fixture.makeKey(seed: seed, clock: TestClock(now: UInt64(clock.now / 1000)))
    }

    /// Docks `key` as `serial` at `station`: hello, the key's report, the sync, and the answer's
    /// acknowledgement handed to the key.
    /// - Returns: the sync's status and answer, and how many entries the key deleted.
    func dock(_ key: inout TestKey, serial: String, at station: TestStation, battery: UInt8 = 80) throws
        -> (status: Int, answer: SyncResponse?, deleted: Int)
    {
        let hello = SyncHello(nonce: RandomBytes32.make(), stationTime: UInt64(clock.now / 1000)).encoded
        let report = try key.report(hello: hello, battery: BatteryReading(percent: battery, millivolts: 3_900))
        let request = SyncRequest(
            keySerial: serial, keyPublicKey: Data(key.publicKey).base64EncodedString(),
            hello: Data(hello).base64EncodedString(), report: Data(report).base64EncodedString())
        let sent = try station.send(.sync, request, as: SyncResponse.self)
        guard let answer = sent.answer else { return (sent.status, nil, 0) }
        return (sent.status, answer, try key.acknowledge(bytes(answer.ack)))
    }

    /// Asks `station` for `serial`'s credential for an eight-hour shift starting now.
    func activation(_ serial: String, at station: TestStation, battery: Int? = nil) throws -> ActivationResponse {
        let request = ActivationRequest(
            keySerial: serial, shiftStart: clock.now, shiftEnd: clock.now + 8 * 3600 * 1000, batteryPercent: battery)
        let sent = try station.send(.activation, request, as: ActivationResponse.self)
        #expect(sent.status == 200, "\(String(decoding: sent.raw.body, as: UTF8.self))")
        return try #require(sent.answer)
    }

    /// Makes `key` log `count` refused tries at a lock it has no permission for, so it carries
    /// entries to report.
    func logRefusals(_ key: inout TestKey, count: Int, lock byte: UInt8 = 0xEE) {
        var lock = fixture.makeLock(id: DoorFixture.lockID(byte), clock: TestClock(now: UInt64(clock.now / 1000)))
        for _ in 0..<count { _ = try? key.answer(lock.challenge()) }
    }
}

/// Fresh random nonces for hellos.
enum RandomBytes32 {
    static func make() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255) } }
}
