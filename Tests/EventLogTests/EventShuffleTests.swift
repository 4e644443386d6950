import EventLog
import PortvaktProtocol
import PortvaktTesting
import ProtocolTesting
import Storage
import Testing

/// Genuine traffic in a random order: keys visit locks, receipts get lost, keys dock at random
/// times and answers get lost on the way back. Whatever the order, every event reaches the server
/// once, each lock's chain is confirmed to its last event, and nothing is taken for a forgery.
@Suite("Event ingestion: genuine traffic in any order")
struct EventShuffleTests {
    static let seeds: [UInt64] = Array(1...10)

    @Test(
        "every event is stored once and every chain confirmed, whatever the order of visits and docks",
        arguments: TestBackend.all, seeds)
    func anyOrder(backend: TestBackend, seed: UInt64) throws {
        try backend.withDatabase { test in
            var random = SeededRandom(seed: seed)
            var world = try EventWorld(test)
            // Six locks, so one report can name more of them than one multi-row statement takes.
            let lockIDs = [EventWorld.lockA, EventWorld.lockB] + (0xC1...0xC4).map { DoorFixture.lockID($0) }
            var locks = lockIDs.map { world.lock($0) }
            var keys = try (0..<4).map { try world.key(seed: 0x41 + UInt8($0), locks: lockIDs) }
            var opened = [Int](repeating: 0, count: keys.count)

            for _ in 0..<60 {
                let key = Int.random(in: 0..<keys.count, using: &random)
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<6:
                    let lock = Int.random(in: 0..<locks.count, using: &random)
                    let receipt = Int.random(in: 0..<4, using: &random) != 0
                    #expect(try keys[key].open(&locks[lock], receipt: receipt).opened)
                    opened[key] += 1
                case 6..<8:
                    try world.sync(&keys[key])
                default:
                    // The answer is lost: the server has stored the report, the key keeps it.
                    let (report, _) = try world.report(&keys[key])
                    _ = try world.ingest(report, from: keys[key])
                }
                world.clock.now! += UInt64.random(in: 1...120, using: &random)
            }
            for index in keys.indices.shuffled(using: &random) {
                try world.sync(&keys[index])
                #expect(keys[index].core.store.uploads.isEmpty)
            }

            var lockEventCount = 0
            for lockID in lockIDs {
                let events = try world.lockEvents {
                    $0.lockID = LockIdentity.text(lockID)
                    $0.limit = 1_000
                }
                lockEventCount += events.count
                #expect(events.map(\.counter) == events.indices.map { Int64($0) + 1 })
                #expect(events.allSatisfy { $0.kind == "opened" && $0.keyID != nil })
                let chain = try world.database.read {
                    try $0.first(
                        "SELECT high_counter FROM lock_event_chains WHERE lock_id = $1",
                        [.text(LockIdentity.text(lockID))])
                }
                #expect(try chain?.integer("high_counter") ?? 0 == Int64(events.count))
            }
            #expect(lockEventCount == opened.reduce(0, +))
            let own = try world.lockEvents {
                $0.source = .key
                $0.limit = 1_000
            }
            for (index, key) in keys.enumerated() {
                #expect(own.filter { $0.keyID == key.serverID }.count == opened[index])
            }
            #expect(try world.findings { $0.openOnly = true }.isEmpty)
            #expect(try world.findings().allSatisfy { $0.kind == .gap })
            let openLinks = try world.database.read {
                try $0.execute(
                    "SELECT counter FROM lock_events WHERE open_link IS NOT NULL OR pending_batch IS NOT NULL")
            }
            #expect(openLinks.isEmpty)
        }
    }
}
