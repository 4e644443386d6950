import Foundation
import KeyCore
import LockCore
import PortvaktProtocol
import Station

/// `doors`: every key in the run's directory opens the doors its credential names, in turn, on
/// real locks kept beside the keys. Each opening leaves the key's passage and the lock's batch on
/// the key.
///
/// With `loseReceipts` percent, the key's receipt does not reach the lock, as when the key leaves
/// radio range too soon: the lock hands the same events again to the next key, so the server
/// gets some lock events through two keys and must store them once. With `only`, just the key
/// of that serial opens doors.
enum DoorRounds {
    static func run(directory: String, times: Int, loseReceipts: Int, only: String? = nil) throws -> String {
        var locks: [LockID: ChaosLock] = [:]
        var openings = 0
        for path in try ChaosFiles.keys(in: directory) where only.map({ path.hasSuffix("/\($0).key") }) ?? true {
            let store = try FileKeyStore.openOrCreate(path: path, serial: nil)
            guard let activation = store.activation, let anchor = store.trustAnchors.first else {
                throw ChaosError("the key in \(path) holds no credential yet; dock it once first")
            }
            var key = try SimulatedKey.makeCore(store)
            let lockIDs = activation.permissions.map(\.lockID).reduce(into: [LockID]()) { unique, id in
                if !unique.contains(id) { unique.append(id) }
            }
            for index in 0..<times {
                let lockID = lockIDs[index % lockIDs.count]
                var lock =
                    try locks[lockID]
                    ?? ChaosLock(
                        path: ChaosFiles.lock(lockID, in: directory),
                        configuration: LockConfiguration(
                            lockID: lockID, trustAnchors: [anchor], eventRecipient: activation.eventRecipient))
                try open(&key, &lock, deliverReceipt: Int.random(in: 0..<100) >= loseReceipts)
                locks[lockID] = lock
                openings += 1
            }
            guard key.store.state.lostOwnEvents == 0 else {
                throw ChaosError("the key in \(path) is full and lost events of its own; dock keys more often")
            }
            try key.store.save()
        }
        for lock in locks.values { try lock.save() }
        return "doors: \(openings) openings"
    }

    /// One door transaction, as the radio would carry it.
    private static func open(_ key: inout SimulatedKeyCore, _ lock: inout ChaosLock, deliverReceipt: Bool) throws {
        let answer = try key.answer(lock.core.challenge())
        for update in answer.revocationUpdates { _ = lock.core.receive(update) }
        let reply = lock.core.receive(answer.presentation)
        let decision = try Decision.decode(reply)
        let outcome = try key.accept(reply)
        guard outcome.opened else { throw ChaosError("the lock refused the key: \(outcome.reason)") }
        guard let receipt = outcome.receipt else { return }
        lock.carriedThrough = max(lock.carriedThrough, decision.batchThrough)
        if deliverReceipt { _ = lock.core.receive(receipt) }
    }
}
