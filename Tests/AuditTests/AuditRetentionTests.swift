import Audit
import Dispatch
import PortvaktServer
import PortvaktTesting
import Storage
import Synchronization
import Testing

@Suite("Audit trail retention")
struct AuditRetentionTests {
    /// Entries before this time are past retention in these tests.
    private let cutoff: Int64 = 50_000

    private func change(_ index: Int) -> AuditChange {
        AuditChange(
            actorID: "token-1", actorOrganisationID: "org-norr", organisationID: "org-norr", action: "employee.update",
            objectType: "employee", objectID: "e\(index)", before: #"{"displayName":"A\#(index)"}"#,
            after: #"{"displayName":"B\#(index)"}"#)
    }

    /// A migrated database with `old` entries from before the cutoff followed by `new` ones after it.
    private func trail(_ test: TestDatabase, old: Int = 10, new: Int = 5) throws {
        try Migrator(migrations: Schema.migrations).migrate(test.database)
        for index in 0..<(old + new) {
            let time = index < old ? 1000 + Int64(index) : 100_000 + Int64(index)
            try test.database.write { try AuditTrail().append(change(index), at: time, in: $0) }
        }
    }

    @discardableResult
    private func purge(_ database: any Database, batch: Int = 10_000) throws -> Int {
        try AuditTrail().purge(before: cutoff, actor: "system:retention", now: 200_000, batch: batch, in: database)
    }

    private func count(_ table: String, _ database: any Database) throws -> Int64 {
        try database.read { try $0.first("SELECT COUNT(*) AS n FROM \(table)")?.integer("n") ?? -1 }
    }

    @Test("entries older than retention go, newer ones stay, and the kept trail verifies", arguments: TestBackend.all)
    func purgeKeepsNewer(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            #expect(try purge(test.database) == 10)

            let kept = try AuditTrail().entries(limit: 100, in: test.database)
            #expect(kept.map(\.sequence) == Array(11...16))
            #expect(kept.dropLast().allSatisfy { $0.at >= cutoff && $0.action == "employee.update" })
            let record = try #require(kept.last)
            #expect(record.action == AuditTrail.purgeAction)
            #expect(record.actorID == "system:retention")
            #expect(record.organisationID == AuditTrail.systemOrganisation)
            #expect(record.objectID == "10")
            #expect(record.after?.contains(#""purged":10"#) == true)
            #expect(record.after?.contains(#""throughSequence":10"#) == true)

            let verification = try AuditTrail().verification(in: test.database)
            #expect(verification.intact)
            #expect(verification.checkpoint?.throughSequence == 10)
            #expect(verification.checkpoint?.recordedIn == 16)
        }
    }

    @Test("only the oldest run of entries goes: an old time after a newer one is kept", arguments: TestBackend.all)
    func prefixOnly(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try Migrator(migrations: Schema.migrations).migrate(test.database)
            for (index, time) in [Int64(1000), 1001, 100_000, 1002, 100_001].enumerated() {
                try test.database.write { try AuditTrail().append(change(index), at: time, in: $0) }
            }
            #expect(try purge(test.database) == 2)
            #expect(try AuditTrail().entries(in: test.database).map(\.sequence) == [3, 4, 5, 6])
            #expect(try AuditTrail().verify(in: test.database) == nil)
        }
    }

    @Test(
        "tampering with what a purge kept is detected",
        arguments: TestBackend.all.flatMap { backend in
            [
                // A kept entry edited, and the purge's own record edited.
                ("UPDATE audit_entries SET after_json = '{}' WHERE sequence = 12", Int64(12)),
                ("UPDATE audit_entries SET after_json = '{}' WHERE sequence = 16", 16),
                // The first kept entry removed: a gap that no checkpoint covers.
                ("DELETE FROM audit_entries WHERE sequence = 11", 11),
                // The newest entries cut off, the purge's record with them.
                ("DELETE FROM audit_entries WHERE sequence >= 14", 14),
                // The checkpoint made to disagree with the record of its purge.
                ("UPDATE audit_checkpoints SET purged = 3", 16),
            ].map { (backend, $0.0, $0.1) }
        })
    func tamperingAfterPurge(backend: TestBackend, tampering: String, broken: Int64) throws {
        try backend.withDatabase { test in
            try trail(test)
            try purge(test.database)
            try test.database.write { connection in
                try AuditGuards.drop(in: connection)
                try connection.execute(tampering)
            }
            #expect(try AuditTrail().verify(in: test.database) == broken)
        }
    }

    @Test("a checkpoint forged to cover a deletion is detected", arguments: TestBackend.all)
    func forgedCheckpoint(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            try purge(test.database)
            try test.database.write { connection in
                try AuditGuards.drop(in: connection)
                // Claim entries 11 to 13 went in a purge recorded by the existing purge record.
                try connection.execute(
                    """
                    INSERT INTO audit_checkpoints (through_sequence, through_hash, recorded_in, purged, older_than, at)
                    SELECT sequence, hash, 16, 3, 0, 0 FROM audit_entries WHERE sequence = 13
                    """)
                try connection.execute("DELETE FROM audit_entries WHERE sequence <= 13")
            }
            #expect(try AuditTrail().verify(in: test.database) == 16)
        }
    }

    @Test("a deletion from a trail never purged is detected", arguments: TestBackend.all)
    func deletionWithoutCheckpoint(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            try test.database.write { connection in
                try AuditGuards.drop(in: connection)
                try connection.execute("DELETE FROM audit_entries WHERE sequence <= 3")
            }
            #expect(try AuditTrail().verify(in: test.database) == 1)
        }
    }

    @Test(
        "after a purge the database still refuses ad-hoc changes to entries and checkpoints", arguments: TestBackend.all
    )
    func guardsStillHold(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            try purge(test.database)
            var refused = [
                "DELETE FROM audit_entries", "DELETE FROM audit_entries WHERE sequence = 12",
                "UPDATE audit_entries SET action = 'x' WHERE sequence = 12", "DELETE FROM audit_checkpoints",
                "UPDATE audit_checkpoints SET purged = 0",
                // A checkpoint that no purge entry records, or whose hash is not the entry's.
                """
                INSERT INTO audit_checkpoints (through_sequence, through_hash, recorded_in, purged, older_than, at)
                SELECT sequence, hash, 13, 3, 0, 0 FROM audit_entries WHERE sequence = 13
                """,
                """
                INSERT INTO audit_checkpoints (through_sequence, through_hash, recorded_in, purged, older_than, at)
                SELECT 13, hash, 16, 3, 0, 0 FROM audit_entries WHERE sequence = 12
                """,
            ]
            if backend == .postgres {
                refused += ["TRUNCATE audit_entries", "TRUNCATE audit_checkpoints"]
            }
            for statement in refused {
                #expect(throws: StorageError.self, "\(statement)") {
                    try test.database.write { try $0.execute(statement) }
                }
            }
            #expect(try count("audit_entries", test.database) == 6)
            #expect(try count("audit_checkpoints", test.database) == 1)
            #expect(try AuditTrail().verify(in: test.database) == nil)
        }
    }

    @Test(
        "a purge refuses to remove a broken part of the trail, which would hide the break", arguments: TestBackend.all)
    func refusesToHideBreak(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            try test.database.write { connection in
                try AuditGuards.drop(in: connection)
                try connection.execute("UPDATE audit_entries SET after_json = '{}' WHERE sequence = 3")
            }
            #expect(throws: AuditTrailError.broken(sequence: 3)) { try purge(test.database) }
            #expect(try count("audit_entries", test.database) == 15)
            #expect(try count("audit_checkpoints", test.database) == 0)
            #expect(try AuditTrail().verify(in: test.database) == 3)
        }
    }

    @Test("purging again removes and records nothing more", arguments: TestBackend.all)
    func idempotent(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            #expect(try purge(test.database) == 10)
            #expect(try purge(test.database) == 0)
            #expect(try count("audit_entries", test.database) == 6)
            #expect(try count("audit_checkpoints", test.database) == 1)
        }
    }

    @Test("a large purge runs in batches, each with its checkpoint, and the trail verifies", arguments: TestBackend.all)
    func batches(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test)
            #expect(try purge(test.database, batch: 4) == 10)
            #expect(try count("audit_checkpoints", test.database) == 3)
            let kept = try AuditTrail().entries(limit: 100, in: test.database)
            #expect(kept.filter { $0.action == AuditTrail.purgeAction }.count == 3)
            #expect(kept.filter { $0.action != AuditTrail.purgeAction }.map(\.at).allSatisfy { $0 >= cutoff })
            #expect(try AuditTrail().verify(in: test.database, batch: 2) == nil)
        }
    }

    @Test("two servers purging while others append remove each entry once", arguments: TestBackend.all)
    func concurrentPurges(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try trail(test, old: 40, new: 0)
            let servers = [try test.open(poolCapacity: 2), try test.open(poolCapacity: 2)]
            let removed = Mutex(0)
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                do {
                    if worker < 2 {
                        let count = try purge(servers[worker], batch: 3)
                        removed.withLock { $0 += count }
                    } else {
                        for round in 0..<10 {
                            try servers[worker - 2].write { connection in
                                try AuditTrail().append(change(100 + round), at: 100_000, in: connection)
                            }
                        }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(removed.withLock { $0 } == 40)
            let purged = try test.database.read {
                try $0.first("SELECT CAST(SUM(purged) AS BIGINT) AS n FROM audit_checkpoints")?.integer("n")
            }
            #expect(purged == 40)
            #expect(try AuditTrail().entries(limit: 500, in: test.database).allSatisfy { $0.at >= cutoff })
            #expect(try AuditTrail().verify(in: test.database) == nil)
        }
    }
}
