import CredentialIssuer
import Crypto
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting
import Testing

@Suite("Refusals: each way a presentation can be wrong")
struct RefusalTests {
    @Test("a tampered credential is refused for its issuer signature")
    func tamperedCredential() throws {
        var scenario = try Scenario()
        let decision = try scenario.decide { $0.credential.validUntil += 86_400 }
        #expect(decision.reason == .badIssuerSignature)
        #expect(!decision.opened)
    }

    @Test("a tampered permission no longer leads to the signed root")
    func tamperedPermission() throws {
        var scenario = try Scenario()
        let decision = try scenario.decide { $0.permission.schedule = .visit(notBefore: 0, notAfter: .max) }
        #expect(decision.reason == .badPermissionProof)
    }

    @Test("a valid permission for another lock is refused as the wrong lock")
    func wrongLock() throws {
        let other = DoorFixture.lockID(0xB2)
        var scenario = try Scenario(permissions: [
            Permission(lockID: DoorFixture.lockID(0xA1)), Permission(lockID: other),
        ])
        let otherIndex = try #require(scenario.issued.permissions.firstIndex { $0.lockID == other })
        let proof = scenario.issued.tree.proof(for: otherIndex)
        let decision = try scenario.decide {
            $0.permission = Permission(lockID: other)
            $0.leafIndex = UInt16(otherIndex)
            $0.proof = proof
        }
        #expect(decision.reason == .wrongLock)
    }

    @Test("a key without a permission for the lock does not present, and logs the try")
    func noPermissionOnKey() throws {
        var scenario = try Scenario(permissions: [Permission(lockID: DoorFixture.lockID(0xB2))])
        #expect(throws: KeyError.noPermission) { try scenario.key.answer(scenario.lock.challenge()) }
        let logged = try scenario.fixture.intake.openKeyEvent(try #require(scenario.key.store.uploads.last).sealed)
        #expect(logged.kind == .noPermission)
        #expect(logged.lockID == scenario.lockID)
    }

    @Test("an expired credential is refused")
    func expired() throws {
        var scenario = try Scenario()
        scenario.clock.now = Scenario.start + 8 * 3_600 + 301
        let decision = try runDoor(key: &scenario.key, lock: &scenario.lock).decision
        #expect(decision.reason == .expired)
    }

    @Test("a credential within the tolerance after its end still opens")
    func expiredWithinTolerance() throws {
        var scenario = try Scenario()
        scenario.clock.now = Scenario.start + 8 * 3_600 + 299
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.opened)
    }

    @Test("a credential that is not yet valid is refused")
    func notYetValid() throws {
        var scenario = try Scenario()
        let issued = try scenario.fixture.issuer.issue(
            CredentialRequest(
                keyPublicKey: scenario.key.publicKey, issuedAt: Scenario.start, validFrom: Scenario.start + 3 * 3_600,
                validUntil: Scenario.start + 10 * 3_600, permissions: [Permission(lockID: scenario.lockID)]))
        try scenario.key.activate(
            issued.activation(eventRecipient: scenario.fixture.intake.eventRecipient, revocationLists: []))
        let decision = try runDoor(key: &scenario.key, lock: &scenario.lock).decision
        #expect(decision.reason == .notYetValid)
    }

    @Test("a credential longer than the lock's limit is refused")
    func lifetimeTooLong() throws {
        var scenario = try Scenario()
        let generous = CredentialIssuer(signingKey: scenario.fixture.issuerKey, maxLifetime: 48 * 3_600)
        let issued = try generous.issue(
            CredentialRequest(
                keyPublicKey: scenario.key.publicKey, issuedAt: Scenario.start, validFrom: Scenario.start,
                validUntil: Scenario.start + 40 * 3_600, permissions: [Permission(lockID: scenario.lockID)]))
        try scenario.key.activate(
            issued.activation(eventRecipient: scenario.fixture.intake.eventRecipient, revocationLists: []))
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .lifetimeTooLong)
    }

    @Test("a credential from an issuer the lock does not trust is refused")
    func wrongIssuer() throws {
        var scenario = try Scenario()
        let stranger = DoorFixture(issuerID: 9, issuerSeed: 0x77)
        var key = stranger.makeKey(clock: scenario.clock, anchors: [stranger.issuerKey.trustAnchor()])
        try stranger.activate(&key, permissions: [Permission(lockID: scenario.lockID)])
        #expect(try runDoor(key: &key, lock: &scenario.lock).decision.reason == .unknownIssuer)
    }

    @Test("a credential that claims a trusted issuer key but was signed by another is refused")
    func forgedIssuerKeyID() throws {
        var scenario = try Scenario()
        let forger = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x66, count: 32))
        let decision = try scenario.decide { $0.credential.signature = forger.sign($0.credential.signedMessage) }
        #expect(decision.reason == .badIssuerSignature)
    }

    @Test("a retired issuer key is not trusted for credentials issued after its window")
    func retiredIssuerKey() throws {
        var scenario = try Scenario()
        let retired = scenario.fixture.issuerKey.trustAnchor(notBefore: 0, notAfter: Scenario.start - 1)
        var lock = scenario.fixture.makeLock(id: scenario.lockID, clock: scenario.clock, anchors: [retired])
        #expect(try runDoor(key: &scenario.key, lock: &lock).decision.reason == .unknownIssuer)
    }

    @Test("a presentation outside its weekly schedule is refused, and inside it opens")
    func schedule() throws {
        // Mondays 09:00-10:00 local time, with the credential's offset of +60 minutes.
        let slot = WeeklySlot(days: 0b0000_0001, startMinute: 9 * 60, endMinute: 10 * 60)
        var scenario = try Scenario()
        let issued = try scenario.fixture.issuer.issue(
            CredentialRequest(
                keyPublicKey: scenario.key.publicKey, issuedAt: Scenario.start, validFrom: Scenario.start,
                validUntil: Scenario.start + 8 * 3_600, utcOffsetMinutes: 60,
                permissions: [Permission(lockID: scenario.lockID, schedule: .weekly([slot]))]))
        try scenario.key.activate(
            issued.activation(eventRecipient: scenario.fixture.intake.eventRecipient, revocationLists: []))

        scenario.clock.now = Scenario.start + 30 * 60  // 08:30 UTC is 09:30 local
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.opened)
        scenario.clock.now = Scenario.start + 2 * 3_600  // 11:00 local
        #expect(try runDoor(key: &scenario.key, lock: &scenario.lock).decision.reason == .outsideSchedule)
    }
}
