// Instantiates LockCore and KeyCore with board-style stand-ins so that Embedded Swift must
// specialise every generic path. scripts/check-embedded compiles it for a Cortex-M4; it is
// never linked into an image.

import KeyCore
import LockCore
import PortvaktProtocol

struct BoardCrypto: SignatureVerifying, Hashing, Sealing, Signing {
    var publicKey: [UInt8] { [UInt8](repeating: 0, count: 32) }
    func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool { false }
    func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](repeating: UInt8(truncatingIfNeeded: bytes.count), count: 32)
    }
    func seal(_ plaintext: [UInt8], to recipient: [UInt8]) -> [UInt8]? { nil }
    func sign(_ message: [UInt8]) -> [UInt8] { [UInt8](repeating: 0, count: 64) }
}
struct BoardRandom: RandomSource {
    mutating func bytes(_ count: Int) -> [UInt8] { [UInt8](repeating: 4, count: count) }
}
struct BoardClock: LockClock, KeyClock {
    func unixTime() -> UInt64? { nil }
    func unixTime() -> UInt64 { 0 }
    func uptimeMilliseconds() -> UInt64 { 0 }
}

@_cdecl("portvakt_lock_step")
public func lockStep(_ input: UnsafePointer<UInt8>, _ count: Int, _ output: UnsafeMutablePointer<UInt8>) -> Int {
    let id = LockID([UInt8](repeating: 1, count: 16))!
    let anchor = TrustAnchor(
        issuerID: 1, keyID: IssuerKeyID([UInt8](repeating: 1, count: 8))!, publicKey: [UInt8](repeating: 2, count: 32),
        notBefore: 0, notAfter: .max)
    guard
        var lock = try? LockCore(
            configuration: LockConfiguration(
                lockID: id, trustAnchors: [anchor], eventRecipient: [UInt8](repeating: 3, count: 32)),
            crypto: BoardCrypto(), random: BoardRandom(), clock: BoardClock(), store: InMemoryLockStore(timeFloor: 0))
    else { return 0 }
    _ = lock.challenge()
    let reply = lock.receive(Array(UnsafeBufferPointer(start: input, count: count)))
    for index in reply.indices { output[index] = reply[index] }
    return reply.count
}

@_cdecl("portvakt_key_step")
public func keyStep(_ input: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var key = KeyCore(
        configuration: KeyConfiguration(trustAnchors: []), crypto: BoardCrypto(), signer: BoardCrypto(),
        clock: BoardClock(), store: InMemoryKeyStore())
    let bytes = Array(UnsafeBufferPointer(start: input, count: count))
    do { try key.activate(bytes) } catch { return 1 }
    return (try? key.answer(bytes).presentation.count) ?? 0
}
