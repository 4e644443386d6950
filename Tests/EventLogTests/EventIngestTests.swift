import EventLog
import PortvaktProtocol
import PortvaktTesting
import ProtocolTesting
import Storage
import Testing

@Suite("Event ingestion: entries, events and idempotency")
struct EventIngestTests {
    @Test("a docked key's report becomes the key's own events and the lock's events", arguments: TestBackend.all)
    func reportBecomesEvents(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var key = try world.key(seed: 0x41)
            var lock = world.lock(EventWorld.lockA)
            #expect(try key.open(&lock).opened)
            world.clock.now! += 60
            #expect(try key.open(&lock).opened)

            let result = try world.sync(&key)
            #expect(result.entriesStored == 4)
            #expect(result.entriesKnown == 0)
            #expect(result.keyEventsStored == 2)
            #expect(result.lockEventsStored == 2)
            #expect(result.findingsRecorded == 0)
            #expect(result.acknowledgeThrough == 4)
            #expect(key.core.store.uploads.isEmpty)

            let events = try world.lockEvents()
            #expect(events.map(\.counter) == [1, 2])
            #expect(events.allSatisfy { $0.kind == "opened" && $0.reason == "granted" && $0.keyID == key.serverID })
            #expect(events.allSatisfy { $0.lockID == String(repeating: "a1", count: 16) })
            #expect(events.map(\.time) == [3_600, 3_660].map { (Int64(DoorFixture.monday0800) + $0) * 1_000 })
            let own = try world.lockEvents { $0.source = .key }
            #expect(own.map(\.kind) == ["passage", "passage"])
            #expect(own.map(\.detail) == [1, 2])
            #expect(try world.findings().isEmpty)
        }
    }

    @Test("the same report ingested again stores nothing and counts every entry as known", arguments: TestBackend.all)
    func repeatedReport(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var key = try world.key(seed: 0x41)
            var lock = world.lock(EventWorld.lockA)
            try key.open(&lock)
            try key.open(&lock)
            let (report, _) = try world.report(&key)

            let first = try world.ingest(report, from: key)
            let second = try world.ingest(report, from: key)
            #expect(first.entriesStored == 4)
            #expect(second.entriesStored == 0)
            #expect(second.entriesKnown == 4)
            #expect(second.lockEventsStored == 0)
            #expect(second.keyEventsStored == 0)
            #expect(second.findingsRecorded == 0)
            #expect(second.acknowledgeThrough == 4)
            #expect(try world.lockEvents().count == 2)
            #expect(try world.lockEvents { $0.source = .key }.count == 2)
        }
    }

    @Test(
        "a batch two keys carried is stored once, each event naming the key that caused it", arguments: TestBackend.all)
    func carriedTwice(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var first = try world.key(seed: 0x41)
            var second = try world.key(seed: 0x42)
            var lock = world.lock(EventWorld.lockA)
            try first.open(&lock, receipt: false)
            try second.open(&lock)

            let one = try world.sync(&first)
            let two = try world.sync(&second)
            #expect(one.lockEventsStored == 1)
            #expect(two.lockEventsStored == 1)
            #expect(two.lockEventsKnown == 1)
            let events = try world.lockEvents()
            #expect(events.map(\.counter) == [1, 2])
            #expect(events.map(\.keyID) == [first.serverID, second.serverID])
            #expect(try world.findings().isEmpty)
        }
    }

    @Test("an event caused by a key that has not docked yet is attributed once it docks", arguments: TestBackend.all)
    func lateAttribution(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var first = try world.key(seed: 0x41)
            var second = try world.key(seed: 0x42)
            var lock = world.lock(EventWorld.lockA)
            try first.open(&lock, receipt: false)
            try second.open(&lock)

            try world.sync(&second)
            let before = try world.lockEvents()
            #expect(before.map(\.keyID) == [nil, second.serverID])
            #expect(before.first?.keyIdentity != nil)
            try world.sync(&first)
            #expect(try world.lockEvents().map(\.keyID) == [first.serverID, second.serverID])
        }
    }

    @Test(
        "an entry that does not open or decode is a finding, and the other entries are stored",
        arguments: TestBackend.all)
    func malformedEntries(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var key = try world.key(seed: 0x41)
            var lock = world.lock(EventWorld.lockA)
            try key.open(&lock)
            let genuine = key.core.store.uploads
            let entries = [
                UploadEntry(sequence: 7, kind: .lockBatch, sealed: [UInt8](repeating: 0x33, count: 90)),
                UploadEntry(sequence: 8, kind: .ownEvent, sealed: try world.seal(bytes: [1, 2, 3])),
            ]
            let report = try world.craftedReport(by: key, entries: genuine + entries)

            let result = try world.ingest(report, from: key)
            #expect(result.entriesStored == 4)
            #expect(result.findingsRecorded == 2)
            #expect(result.lockEventsStored == 1)
            #expect(result.keyEventsStored == 1)
            #expect(result.acknowledgeThrough == 8)
            let findings = try world.findings()
            #expect(findings.map(\.kind) == [.malformed, .malformed])
            #expect(findings.map(\.reason) == [.cannotOpen, .undecodable])
            #expect(findings.map(\.sequence) == [7, 8])
            #expect(findings.allSatisfy { $0.keyID == key.serverID && $0.resolvedAt == nil })
            let evidence = try world.database.read {
                try $0.execute("SELECT evidence FROM event_findings ORDER BY id").map { try $0.blob("evidence") }
            }
            #expect(evidence == entries.map(\.sealed))
        }
    }

    @Test("a sequence number reused with other content is kept as evidence, once", arguments: TestBackend.all)
    func reusedSequence(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var key = try world.key(seed: 0x41)
            var lock = world.lock(EventWorld.lockA)
            try key.open(&lock)
            let (report, _) = try world.report(&key)
            _ = try world.ingest(report, from: key)

            var altered = report.entries[0]
            altered.sealed[altered.sealed.count - 1] ^= 1
            let crafted = try world.craftedReport(by: key, entries: [altered])
            let first = try world.ingest(crafted, from: key)
            let again = try world.ingest(crafted, from: key)
            #expect(first.entriesKnown == 1)
            #expect(first.findingsRecorded == 1)
            #expect(again.findingsRecorded == 0)
            #expect(try world.findings().map(\.reason) == [.sequenceReused])
        }
    }

    @Test("a report whose key identity is not the enrolled public key's is refused whole", arguments: TestBackend.all)
    func wrongKey(backend: TestBackend) throws {
        try backend.withDatabase { test in
            var world = try EventWorld(test)
            var key = try world.key(seed: 0x41)
            let other = try world.key(seed: 0x42)
            var lock = world.lock(EventWorld.lockA)
            try key.open(&lock)
            let (report, _) = try world.report(&key)
            #expect(throws: EventLogError.keyMismatch(key: other.serverID)) {
                try world.ingest(report, from: other)
            }
            #expect(try world.lockEvents().isEmpty)
        }
    }
}
