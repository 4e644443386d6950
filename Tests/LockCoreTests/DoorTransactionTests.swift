import CredentialIssuer
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Door transaction")
struct DoorTransactionTests {
    @Test("a key with a valid permission opens the lock and both sides log it")
    func opens() throws {
        var scenario = try Scenario()
        let run = try runDoor(key: &scenario.key, lock: &scenario.lock)

        #expect(run.decision.opened)
        #expect(run.decision.reason == .granted)
        #expect(run.outcome?.opened == true)
        #expect(scenario.lock.store.events.last?.event.kind == .opened)
        #expect(scenario.lock.store.events.last?.event.keyID == scenario.key.keyID)
        let ownEvent = try scenario.fixture.intake.openKeyEvent(scenario.key.store.uploads[0].sealed)
        #expect(ownEvent.kind == .passage)
        #expect(ownEvent.lockID == scenario.lockID)
    }

    @Test("a decision among 4,000 permissions costs two signature checks and at most 13 Merkle hashes")
    func decisionCost() throws {
        let permissions = (0..<4_000).map { index in
            Permission(lockID: LockID((0..<16).map { UInt8(truncatingIfNeeded: index >> ($0 % 2 * 8)) })!)
        }
        var scenario = try Scenario(permissions: permissions + [])
        let target = permissions[2_345].lockID
        var lock = scenario.fixture.makeLock(id: target, clock: scenario.clock)
        let crypto = lock.crypto
        let challenge = lock.challenge()
        let answer = try scenario.key.answer(challenge)
        crypto.reset()

        let decision = lock.decide(answer.presentation)

        #expect(decision.opened)
        #expect(crypto.verifications == 2)
        // One leaf hash, twelve levels, one hash to extend the event chain.
        #expect(crypto.hashes <= 1 + ProtocolLimits.maxProofDepth + 1)
        #expect(answer.presentation.count <= Presentation.fixedLength + 12 * 32)
    }

    @Test("the lock hands its log sealed to the issuer, and a receipt marks it delivered")
    func eventHandoff() throws {
        var scenario = try Scenario()
        let run = try runDoor(key: &scenario.key, lock: &scenario.lock)

        #expect(run.statuses.last == .granted)
        #expect(scenario.lock.store.state.deliveredThrough == run.decision.eventCounter)
        let carried = scenario.key.store.uploads.first { $0.kind == .lockBatch }
        let batch = try scenario.fixture.intake.openLockBatch(try #require(carried).sealed)
        #expect(batch.lockID == scenario.lockID)
        #expect(batch.events.last?.counter == run.decision.eventCounter)
        #expect(batch.chainLeads(to: scenario.lock.store.state.chainHead, hasher: scenario.lock.crypto))
        #expect(batch.lostCount == 0)
    }

    @Test("a stolen key's carried batches reveal nothing without the issuer's sealing key")
    func carriedEventsAreSealed() throws {
        var scenario = try Scenario()
        _ = try runDoor(key: &scenario.key, lock: &scenario.lock)
        let carried = try #require(scenario.key.store.uploads.first { $0.kind == .lockBatch })
        let lockIDBytes = scenario.lockID.bytes
        let keyIDBytes = scenario.key.keyID.bytes

        #expect(!contains(carried.sealed, lockIDBytes))
        #expect(!contains(carried.sealed, keyIDBytes))
        #expect(throws: EventIntakeError.cannotOpen) {
            try DoorFixture(issuerSeed: 0x99).intake.openLockBatch(carried.sealed)
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
