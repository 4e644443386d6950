import EventLog
import PortvaktProtocol
import PortvaktTesting
import ProtocolTesting
import Storage
import Testing

@Suite("Event ingestion: counters, chain, gaps and forgeries")
struct EventChainTests {
    /// Three keys open lock A in turn, each carrying away one batch of one event.
    private func threeVisits(_ world: EventWorld) throws -> [FieldKey] {
        var lock = world.lock(EventWorld.lockA)
        var keys: [FieldKey] = []
        for seed: UInt8 in [0x41, 0x42, 0x43] {
            var key = try world.key(seed: seed)
            try key.open(&lock)
            world.clock.now! += 60
            keys.append(key)
        }
        return keys
    }

    @Test("batches that arrive out of order leave a gap that closes, and no forgery", arguments: TestBackend.all)
    func outOfOrder(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var keys = try threeVisits(world)

            try world.sync(&keys[2])
            let gap = try world.findings()
            #expect(gap.map(\.kind) == [.gap])
            #expect(gap.first?.firstCounter == 1 && gap.first?.lastCounter == 2)
            #expect(gap.first?.lockID == LockIdentity.text(EventWorld.lockA))

            try world.sync(&keys[0])
            let open = try world.findings { $0.openOnly = true }
            #expect(open.map(\.firstCounter) == [2])
            #expect(open.first?.foundAt == gap.first?.foundAt)

            try world.sync(&keys[1])
            #expect(try world.findings { $0.openOnly = true }.isEmpty)
            #expect(try world.findings().allSatisfy { $0.kind == .gap && $0.resolvedAt != nil })
            #expect(try world.lockEvents().map(\.counter) == [1, 2, 3])
        }
    }

    @Test("a batch re-sealed with an altered event is a forgery and changes nothing stored", arguments: TestBackend.all)
    func alteredBatch(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var holder = try world.key(seed: 0x41)
            let insider = try world.key(seed: 0x42)
            var lock = world.lock(EventWorld.lockA)
            try holder.open(&lock)
            let sealed = try #require(holder.core.store.uploads.first { $0.kind == .lockBatch }).sealed
            try world.sync(&holder)
            let stored = try world.lockEvents()

            var batch = try world.fixture.intake.openLockBatch(sealed)
            batch.events[0].kind = .refused
            batch.events[0].reason = .revoked
            let forged = try world.craftedReport(
                by: insider, entries: [UploadEntry(sequence: 1, kind: .lockBatch, sealed: try world.seal(batch))])
            let result = try world.ingest(forged, from: insider)

            #expect(result.lockEventsStored == 0)
            #expect(result.findingsRecorded == 1)
            let finding = try #require(try world.findings().first)
            #expect(finding.kind == .forgery)
            #expect(finding.reason == .conflictingEvent)
            #expect(finding.keyID == insider.serverID)
            #expect(finding.firstCounter == 1 && finding.lastCounter == 1)
            #expect(try world.lockEvents() == stored)
        }
    }

    @Test("a batch that does not follow the stored chain is a forgery and is not stored", arguments: TestBackend.all)
    func brokenChain(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var keys = try threeVisits(world)
            try world.sync(&keys[0])
            let genuine = try world.fixture.intake.openLockBatch(
                try #require(keys[1].core.store.uploads.first { $0.kind == .lockBatch }).sealed)

            var broken = genuine
            broken.previousChainHash = [UInt8](repeating: 0x5C, count: 32)
            var restart = genuine
            restart.events[0].counter = 1
            restart.previousChainHash = [UInt8](repeating: 0x01, count: 32)
            let forged = try world.craftedReport(
                by: keys[2],
                entries: [
                    UploadEntry(sequence: 1, kind: .lockBatch, sealed: try world.seal(broken)),
                    UploadEntry(sequence: 2, kind: .lockBatch, sealed: try world.seal(restart)),
                ])
            let result = try world.ingest(forged, from: keys[2])
            #expect(result.lockEventsStored == 0)
            #expect(try world.findings().map(\.reason) == [.chainStart, .chainMismatch])
            #expect(try world.findings().allSatisfy { $0.kind == .forgery })
            #expect(try world.lockEvents().map(\.counter) == [1])

            try world.sync(&keys[1])
            #expect(try world.lockEvents().map(\.counter) == [1, 2])
            #expect(try world.findings().count == 2)
        }
    }

    /// Lock A's batch from `key`, re-sealed with a made-up chain value before it and one
    /// event's time moved, as someone who carries it but does not know the chain could forge it.
    private func forgedBatch(_ world: EventWorld, from key: FieldKey, counter: UInt64? = nil) throws -> [UInt8] {
        var batch = try world.fixture.intake.openLockBatch(
            try #require(key.core.store.uploads.first { $0.kind == .lockBatch }).sealed)
        batch.previousChainHash = [UInt8](repeating: 0x77, count: 32)
        batch.events[0].time += 3_600
        if let counter { batch.events[0].counter = counter }
        return try world.seal(batch)
    }

    @Test(
        "a batch linked to the confirmed chain wins over an unlinked one stored before it, which becomes the forgery",
        arguments: TestBackend.all)
    func linkedBatchWins(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var keys = try threeVisits(world)
            let insider = try world.key(seed: 0x44)
            try world.sync(&keys[0])

            let forged = try world.craftedReport(
                by: insider,
                entries: [UploadEntry(sequence: 1, kind: .lockBatch, sealed: try forgedBatch(world, from: keys[2]))])
            _ = try world.ingest(forged, from: insider)
            #expect(try world.lockEvents().map(\.counter) == [1, 3])
            #expect(try world.lockEvents().map(\.confirmed) == [true, false])
            #expect(try world.findings { $0.openOnly = true }.map(\.kind) == [.gap])

            // The genuine batch for counter 2 links to counter 1 but not to the forged counter 3.
            try world.sync(&keys[1])
            #expect(try world.lockEvents().map(\.counter) == [1, 2])
            #expect(try world.lockEvents().allSatisfy(\.confirmed))
            let forgery = try world.findings { $0.kind = .forgery }
            #expect(forgery.map(\.reason) == [.chainMismatch])
            #expect(forgery.first?.keyID == insider.serverID)
            #expect(forgery.first?.firstCounter == 3)

            try world.sync(&keys[2])
            #expect(try world.lockEvents().map(\.counter) == [1, 2, 3])
            #expect(try world.lockEvents().allSatisfy(\.confirmed))
            #expect(try world.findings { $0.kind = .forgery }.count == 1)
            #expect(
                try world.findings {
                    $0.kind = .gap
                    $0.openOnly = true
                }.isEmpty)
        }
    }

    @Test(
        "a batch far above the confirmed chain is a forgery that neither raises the lock's height nor hides a gap",
        arguments: TestBackend.all)
    func farCounterJump(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var keys = try threeVisits(world)
            let insider = try world.key(seed: 0x44)
            try world.sync(&keys[0])

            let far = try forgedBatch(world, from: keys[1], counter: 1_000_000)
            let forged = try world.craftedReport(
                by: insider, entries: [UploadEntry(sequence: 1, kind: .lockBatch, sealed: far)])
            _ = try world.ingest(forged, from: insider)
            #expect(try world.findings().map(\.reason) == [.counterJump])
            #expect(try world.lockEvents { $0.lockID = LockIdentity.text(EventWorld.lockA) }.last?.confirmed == false)

            // Counter 2 never arrives: the batch for counter 3 still shows the gap before it.
            try world.sync(&keys[2])
            let gaps = try world.findings { $0.kind = .gap }
            #expect(gaps.map(\.firstCounter) == [2])
            #expect(gaps.map(\.lastCounter) == [2])
        }
    }

    @Test(
        "a purge removes events by when they arrived and keeps each lock's height, so it raises no gap",
        arguments: TestBackend.all)
    func purge(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var keys = try threeVisits(world)
            try world.sync(&keys[0])
            try world.sync(&keys[1])
            // Events go by when they arrived: up to that instant, events that claim to be months
            // older stay.
            let kept = try world.database.write {
                try EventRetention().purge(olderThan: EventWorld.receivedAt, in: $0)
            }
            #expect(kept.lockEvents == 0 && kept.keyEvents == 0)
            #expect(Int64(world.clock.now!) * 1_000 < EventWorld.receivedAt)

            let cutoff = EventWorld.receivedAt + 1
            let purged = try world.database.write { try EventRetention().purge(olderThan: cutoff, in: $0) }
            #expect(purged.lockEvents == 2)
            #expect(purged.keyEvents == 2)
            #expect(try world.lockEvents().isEmpty)

            try world.sync(&keys[2])
            #expect(try world.lockEvents().map(\.counter) == [3])
            #expect(try world.findings().isEmpty)
        }
    }
}

@Suite("Event ingestion: concurrent stations")
struct EventConcurrencyTests {
    @Test(
        "keys docking at once at different stations leave one chain, with no gap or forgery", arguments: TestBackend.all
    )
    func concurrentDocks(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var lock = world.lock(EventWorld.lockA)
            var reports: [(SyncReport, Int64, [UInt8])] = []
            for seed: UInt8 in 0x41...0x48 {
                var key = try world.key(seed: seed)
                try key.open(&lock)
                world.clock.now! += 60
                reports.append((try world.report(&key).0, key.serverID, key.core.publicKey))
            }

            let ingestor = world.ingestor
            let database = try test.open(poolCapacity: 8)
            let batches = reports
            try TestThreads.run(batches.count) { index in
                let (report, key, publicKey) = batches[batches.count - 1 - index]
                try database.write { connection in
                    _ = try ingestor.ingest(report: report, key: key, publicKey: publicKey, in: connection)
                }
            }

            #expect(try world.lockEvents().map(\.counter) == Array(1...8))
            #expect(try world.findings { $0.openOnly = true }.isEmpty)
            #expect(try world.findings().allSatisfy { $0.kind == .gap })
            let openLinks = try world.database.read {
                try $0.execute("SELECT counter FROM lock_events WHERE open_link IS NOT NULL")
            }
            #expect(openLinks.isEmpty)
        }
    }
}
