import CredentialIssuer
import Crypto
import KeyCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Activation at the sync station")
struct ActivationTests {
    let fixture = DoorFixture()
    let clock = TestClock(now: DoorFixture.monday0800)

    private func activation(for key: TestKey, edit: (inout Activation) -> Void = { _ in }) throws -> [UInt8] {
        let issued = try fixture.issuer.issue(
            CredentialRequest(
                keyPublicKey: key.publicKey, issuedAt: DoorFixture.monday0800, validFrom: DoorFixture.monday0800,
                validUntil: DoorFixture.monday0800 + 3_600,
                permissions: [Permission(lockID: DoorFixture.lockID(1)), Permission(lockID: DoorFixture.lockID(2))]))
        var activation = try Activation.decode(
            issued.activation(eventRecipient: fixture.intake.eventRecipient, revocationLists: []))
        edit(&activation)
        return activation.encoded
    }

    @Test("a key accepts its own signed activation")
    func acceptsOwn() throws {
        var key = fixture.makeKey(clock: clock)
        try key.activate(try activation(for: key))
        #expect(key.store.activation?.permissions.count == 2)
    }

    @Test("an activation made for another key is refused")
    func otherKey() throws {
        var key = fixture.makeKey(clock: clock)
        let other = fixture.makeKey(seed: 0x45, clock: clock)
        #expect(throws: KeyError.activationForAnotherKey) { try key.activate(try activation(for: other)) }
    }

    @Test("a permission list that does not match the signed root is refused")
    func rootMismatch() throws {
        var key = fixture.makeKey(clock: clock)
        let extra = try activation(for: key) { $0.permissions.append(Permission(lockID: DoorFixture.lockID(9))) }
        #expect(throws: KeyError.permissionRootMismatch) { try key.activate(extra) }
        let dropped = try activation(for: key) { $0.permissions.removeLast() }
        #expect(throws: KeyError.permissionRootMismatch) { try key.activate(dropped) }
        #expect(key.store.activation == nil)
    }

    @Test("an activation from an untrusted issuer or with a forged signature is refused")
    func untrusted() throws {
        var key = fixture.makeKey(
            clock: clock, anchors: [DoorFixture(issuerID: 9, issuerSeed: 0x77).issuerKey.trustAnchor()])
        #expect(throws: KeyError.untrustedIssuer) { try key.activate(try activation(for: key)) }

        var honest = fixture.makeKey(clock: clock)
        let forged = try activation(for: honest) { $0.credential.validUntil += 1 }
        #expect(throws: KeyError.badIssuerSignature) { try honest.activate(forged) }
    }

    @Test("an activation with 4,001 permissions does not even decode")
    func overLimit() throws {
        let key = fixture.makeKey(clock: clock)
        var bytes = try activation(for: key)
        let countOffset = MessageHeader.length + Credential.encodedLength + 32
        bytes[countOffset] = 0xA1  // 4,001 little-endian
        bytes[countOffset + 1] = 0x0F
        #expect(throws: WireError.overLimit(.permissionCount)) { try Activation.decode(bytes) }
    }
}
