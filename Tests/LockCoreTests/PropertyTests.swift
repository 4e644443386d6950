import CredentialIssuer
import Foundation
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

/// A grant as the reference sees it: plain values, no protocol types.
private struct ReferenceGrant {
    var lock: UInt8
    var always = false
    var weekly: [(days: UInt8, start: Int, end: Int)] = []
    var window: (from: UInt64, to: UInt64)?
}

/// One random situation: a credential, a revocation state and one try at one door.
private struct ReferenceCase {
    var issuedAt: UInt64
    var validFrom: UInt64
    var validUntil: UInt64
    var offsetMinutes: Int
    var grants: [ReferenceGrant]
    var blockedAt: UInt64?
    var cutoff: UInt64
    var door: UInt8
    var time: UInt64
    var lockHasClock: Bool
}

/// The decision written as plainly as possible, with Foundation's calendar for weekdays, and
/// without any of the protocol's code. `nil` means the door opens.
private func referenceDecision(_ c: ReferenceCase, tolerance: UInt64) -> String? {
    // A key without any permission for the door does not present at all.
    let mine = c.grants.filter { $0.lock == c.door }
    if mine.isEmpty { return "noPermission" }
    if let blockedAt = c.blockedAt, blockedAt >= c.issuedAt { return "revoked" }
    if c.issuedAt < c.cutoff { return "revoked" }
    if c.time > c.validUntil + tolerance { return "expired" }
    if c.time + tolerance < c.validFrom { return "notYetValid" }

    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: c.offsetMinutes * 60)!
    let parts = calendar.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: Double(c.time)))
    let mondayBased = (parts.weekday! + 5) % 7
    let minute = parts.hour! * 60 + parts.minute!
    for grant in mine {
        if grant.always { return nil }
        if let window = grant.window, c.time >= window.from, c.time <= window.to { return nil }
        for slot in grant.weekly where slot.days & (1 << mondayBased) != 0 && minute >= slot.start && minute < slot.end
        {
            return nil
        }
    }
    return "outsideSchedule"
}

private func randomCase(_ random: inout SeededRandom) -> ReferenceCase {
    let issuedAt = DoorFixture.monday0800 + UInt64.random(in: 0..<7 * 86_400, using: &random)
    let validFrom = issuedAt + UInt64.random(in: 0...4 * 3_600, using: &random)
    let validUntil = validFrom + UInt64.random(in: 3_600...(12 * 3_600), using: &random)
    var grants: [ReferenceGrant] = []
    for _ in 0..<Int.random(in: 0...8, using: &random) {
        var grant = ReferenceGrant(lock: UInt8.random(in: 1...6, using: &random))
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<3:
            grant.always = true
        case 3..<7:
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let start = Int.random(in: 0..<1_439, using: &random)
                grant.weekly.append(
                    (
                        UInt8.random(in: 1...127, using: &random), start,
                        Int.random(in: (start + 1)...1_440, using: &random)
                    ))
            }
        default:
            let from = validFrom + UInt64.random(in: 0..<14 * 3_600, using: &random)
            grant.window = (from, from + UInt64.random(in: 0..<4 * 3_600, using: &random))
        }
        grants.append(grant)
    }
    let blockRoll = Int.random(in: 0..<10, using: &random)
    let blockedAt: UInt64? =
        blockRoll < 2
        ? issuedAt + UInt64.random(in: 0...600, using: &random)
        : blockRoll < 3 ? issuedAt - UInt64.random(in: 1...600, using: &random) : nil
    let cutoff = Int.random(in: 0..<10, using: &random) == 0 ? issuedAt + UInt64.random(in: 0...1, using: &random) : 0
    // Mostly doors the key has grants for, at times inside the shift, so that openings are common
    // enough to test; the rest probe other doors and times.
    let door =
        !grants.isEmpty && Int.random(in: 0..<10, using: &random) < 7
        ? grants.randomElement(using: &random)!.lock : UInt8.random(in: 1...6, using: &random)
    let timeRoll = Int.random(in: 0..<20, using: &random)
    let time =
        timeRoll < 12
        ? UInt64.random(in: validFrom...validUntil, using: &random)
        : timeRoll < 15
            ? UInt64.random(in: issuedAt...validFrom, using: &random)
            : issuedAt + UInt64.random(in: 0..<20 * 3_600, using: &random)
    return ReferenceCase(
        issuedAt: issuedAt, validFrom: validFrom, validUntil: validUntil,
        offsetMinutes: [0, 60, 120, -300].randomElement(using: &random)!, grants: grants, blockedAt: blockedAt,
        cutoff: cutoff, door: door, time: time, lockHasClock: Bool.random(using: &random))
}

private func permission(_ grant: ReferenceGrant) -> Permission {
    let lockID = DoorFixture.lockID(grant.lock)
    if grant.always { return Permission(lockID: lockID) }
    if let window = grant.window {
        return Permission(lockID: lockID, schedule: .visit(notBefore: window.from, notAfter: window.to))
    }
    return Permission(
        lockID: lockID,
        schedule: .weekly(
            grant.weekly.map { WeeklySlot(days: $0.days, startMinute: UInt16($0.start), endMinute: UInt16($0.end)) }))
}

@Suite("Property: the lock agrees with a plain reference decision")
struct PropertyTests {
    @Test("800 random grant sets and door tries decide as the reference does", arguments: [1, 2, 3, 4])
    func matchesReference(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let fixture = DoorFixture()
        var outcomes: [String: Int] = [:]
        for round in 0..<200 {
            let c = randomCase(&random)
            let clock = TestClock(now: c.time)
            var key = fixture.makeKey(clock: clock)
            let issued = try fixture.issuer.issue(
                CredentialRequest(
                    keyPublicKey: key.publicKey, issuedAt: c.issuedAt, validFrom: c.validFrom, validUntil: c.validUntil,
                    utcOffsetMinutes: Int16(c.offsetMinutes), permissions: c.grants.map(permission)))
            var builder = RevocationListBuilder(signingKey: fixture.issuerKey)
            if let blockedAt = c.blockedAt { builder.block(key.keyID, at: blockedAt) }
            if c.cutoff > 0 { builder.refuseCredentials(issuedBefore: c.cutoff) }
            let list = builder.build(now: c.issuedAt)
            try key.activate(issued.activation(eventRecipient: fixture.intake.eventRecipient, revocationLists: [list]))

            var lock = fixture.makeLock(
                id: DoorFixture.lockID(c.door), clock: c.lockHasClock ? clock : TestClock(now: nil),
                timeFloor: c.issuedAt - 86_400)
            let actual: String?
            do {
                let decision = try runDoor(key: &key, lock: &lock).decision
                actual = decision.opened ? nil : "\(decision.reason)"
            } catch KeyError.noPermission {
                actual = "noPermission"
            }
            let expected = referenceDecision(c, tolerance: 300)
            #expect(actual == expected, "seed \(seed) round \(round): \(c)")
            outcomes[expected ?? "opened", default: 0] += 1
        }
        // The generator must reach every outcome, or the comparison proves little.
        for outcome in ["opened", "noPermission", "revoked", "expired", "notYetValid", "outsideSchedule"] {
            #expect(outcomes[outcome, default: 0] >= 3, "seed \(seed): \(outcome) in \(outcomes)")
        }
    }
}
