import CredentialIssuer
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Issuing credentials")
struct CredentialIssuerTests {
    let fixture = DoorFixture()

    private func request(_ permissions: [Permission], lifetime: UInt64 = 3_600) -> CredentialRequest {
        CredentialRequest(
            keyPublicKey: [UInt8](repeating: 3, count: 32), issuedAt: 1_000, validFrom: 1_000,
            validUntil: 1_000 + lifetime, permissions: permissions)
    }

    private func permissions(_ count: Int) -> [Permission] {
        (0..<count).map { index in
            Permission(lockID: LockID((0..<16).map { UInt8(truncatingIfNeeded: index >> ($0 % 2 * 8)) })!)
        }
    }

    @Test("4,000 permissions are accepted and 4,001 are refused with a clear error")
    func permissionLimit() throws {
        let issued = try fixture.issuer.issue(request(permissions(4_000)))
        #expect(issued.credential.permissionCount == 4_000)
        #expect(throws: IssuanceError.tooManyPermissions(count: 4_001, limit: 4_000)) {
            try fixture.issuer.issue(request(permissions(4_001)))
        }
        let message = IssuanceError.tooManyPermissions(count: 4_001, limit: 4_000).description
        #expect(message.contains("at most 4000 permissions"))
    }

    @Test("a window longer than the shift policy is refused")
    func lifetime() {
        #expect(throws: IssuanceError.lifetimeTooLong(seconds: 17 * 3_600, limit: 16 * 3_600)) {
            try fixture.issuer.issue(request([], lifetime: 17 * 3_600))
        }
    }

    @Test("malformed schedules are refused with the permission's index")
    func malformedSchedule() {
        let bad = [
            Permission(lockID: DoorFixture.lockID(1)),
            Permission(
                lockID: DoorFixture.lockID(2),
                schedule: .weekly([WeeklySlot(days: 1, startMinute: 600, endMinute: 600)])),
        ]
        #expect(throws: IssuanceError.invalidSchedule(permissionIndex: 1)) { try fixture.issuer.issue(request(bad)) }
    }

    @Test("the same grants in any order give the same root and a signature the anchor accepts")
    func deterministicRoot() throws {
        let grants = permissions(50)
        let first = try fixture.issuer.issue(request(grants))
        let second = try fixture.issuer.issue(request(grants.reversed()))
        #expect(first.credential.permissionRoot == second.credential.permissionRoot)
        #expect(first.credential.encoded == second.credential.encoded)
        let anchor = fixture.issuerKey.trustAnchor()
        #expect(fixture.intake.eventRecipient.count == 32)
        #expect(
            CountingCrypto().verify(
                signature: first.credential.signature, message: first.credential.signedMessage,
                publicKey: anchor.publicKey))
    }

    @Test("a revocation-list builder resuming from a stored version continues above it")
    func resumedListVersion() {
        var builder = RevocationListBuilder(signingKey: fixture.issuerKey, lastVersion: 41)
        builder.block(KeyID([UInt8](repeating: 7, count: 16))!, at: 1_000)
        let list = builder.build(now: 1_000)
        #expect(list.version == 42)
        #expect(list.entries.map(\.keyID) == [KeyID([UInt8](repeating: 7, count: 16))!])
        #expect(builder.build(now: 1_001).version == 43)
    }
}
