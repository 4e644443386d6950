import CredentialIssuer
import Crypto
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting

/// One issuer, one key with a shift credential, and one lock with a clock, at Monday 09:00 UTC.
struct Scenario {
    static let start = DoorFixture.monday0800
    let fixture = DoorFixture()
    let clock = TestClock(now: DoorFixture.monday0800 + 3_600)
    let lockID = DoorFixture.lockID(0xA1)
    var lock: TestLock
    var key: TestKey
    var issued: IssuedCredential

    init(permissions: [Permission]? = nil, lockHasClock: Bool = true, lifetime: UInt64 = 8 * 3_600) throws {
        lock = fixture.makeLock(id: lockID, clock: clock)
        key = fixture.makeKey(clock: clock)
        issued = try fixture.activate(
            &key, permissions: permissions ?? [Permission(lockID: lockID)], lifetime: lifetime)
        if !lockHasClock {
            // The same clock object serves the key; a lock without a clock gets its own empty one.
            lock = fixture.makeLock(id: lockID, clock: TestClock(now: nil))
        }
    }

    /// The key's own signer, rebuilt from its seed, to forge presentations in tests.
    static var keySigner: SodiumSigner {
        SodiumSigner(try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x44, count: 32)))
    }

    /// Runs a challenge, lets `edit` change the key's honest presentation, re-signs it with the
    /// key's own private key unless `resign` is false, and returns the lock's decision.
    mutating func decide(resign: Bool = true, edit: (inout Presentation) -> Void) throws -> Decision {
        let challenge = lock.challenge()
        var presentation = try Presentation.decode(key.answer(challenge).presentation)
        edit(&presentation)
        if resign {
            presentation.signature = Self.keySigner.sign(presentation.transcript(challenge: challenge))
        }
        return try Decision.decode(lock.receive(presentation.encoded))
    }
}
