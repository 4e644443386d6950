// libFuzzer entry point: a lock fed any sequence of messages, with signatures accepted so the
// fuzzer reaches the checks behind them. Traps if a lock invariant breaks: counters must be
// consecutive, the time floor must never fall, and every reply must decode.

import LockCore
import PortvaktProtocol

extension FuzzClock: LockClock {
    func unixTime() -> UInt64? { now }
    func uptimeMilliseconds() -> UInt64 { uptime }
}

private let lockID = LockID([UInt8](repeating: 0xA1, count: 16))!

/// Makes a presentation pass the Merkle check, so that lock identity and schedule are reached.
private func withConsistentProof(_ bytes: [UInt8], forThisLock: Bool) -> [UInt8]? {
    guard var presentation = try? Presentation.decode(bytes) else { return nil }
    if forThisLock { presentation.permission.lockID = lockID }
    presentation.credential.permissionCount = 1
    presentation.leafIndex = 0
    presentation.proof = []
    presentation.credential.permissionRoot = MerkleTree.leafHash(
        presentation.permission.encoded, hasher: PermissiveCrypto())
    return presentation.encoded
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let clock = FuzzClock()
    let anchor = TrustAnchor(
        issuerID: 1, keyID: IssuerKeyID([UInt8](repeating: 1, count: 8))!, publicKey: [UInt8](repeating: 2, count: 32),
        notBefore: 0, notAfter: .max)
    let configuration = LockConfiguration(
        lockID: lockID, trustAnchors: [anchor], eventRecipient: [UInt8](repeating: 3, count: 32))
    guard
        var lock = try? LockCore(
            configuration: configuration, crypto: PermissiveCrypto(), random: CountingRandom(), clock: clock,
            store: InMemoryLockStore(timeFloor: 1_740_900_000, eventCapacity: 16))
    else { fatalError("the fuzz configuration is valid") }

    _ = lock.challenge()
    var floor = lock.store.state.timeFloor
    for message in messages(input(data, size)) {
        var reply: [UInt8] = []
        switch message.first {
        case 0xFF:
            _ = lock.challenge()
        case 0xFE, 0xFD:
            if let fixed = withConsistentProof(Array(message.dropFirst()), forThisLock: message[0] == 0xFE) {
                reply = lock.receive(fixed)
            }
        case 0xFC:
            clock.now = clock.now &+ UInt64(message.count) &* 977
            clock.uptime &+= UInt64(message.count) &* 1_000
        default:
            reply = lock.receive(message)
        }

        if !reply.isEmpty, (try? Decision.decode(reply)) == nil, (try? RevocationUpdate.decodeStatus(reply)) == nil {
            fatalError("the lock sent a reply that does not decode")
        }
        let state = lock.store.state
        if state.timeFloor < floor { fatalError("the time floor went back") }
        floor = state.timeFloor
        let counters = lock.store.events.map { $0.event.counter }
        for index in counters.indices.dropFirst() where counters[index] != counters[index - 1] + 1 {
            fatalError("event counters are not consecutive")
        }
        if let last = counters.last, last + 1 != state.nextEventCounter { fatalError("counter state out of step") }
        if state.deliveredThrough >= state.nextEventCounter { fatalError("delivered beyond the log") }
    }
    return 0
}
