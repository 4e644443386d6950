import Audit
import Dispatch
import PortvaktServer
import PortvaktTesting
import Storage
import Testing

@Suite("Audit trail")
struct AuditTrailTests {
    private func change(_ index: Int, organisation: String = "org-norr") -> AuditChange {
        AuditChange(
            actorID: "token-\(index % 3)", actorOrganisationID: organisation, organisationID: organisation,
            action: "employee.update", objectType: "employee", objectID: "e\(index)",
            before: #"{"displayName":"A\#(index)"}"#, after: #"{"displayName":"B\#(index)"}"#)
    }

    private func migrated(_ test: TestDatabase) throws {
        try Migrator(migrations: Schema.migrations).migrate(test.database)
    }

    @Test("appended entries form an intact chain with gapless sequence numbers", arguments: TestBackend.all)
    func intactChain(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try migrated(test)
            let trail = AuditTrail()
            for index in 0..<25 {
                try test.database.write { connection in
                    try trail.append(change(index), at: 1000 + Int64(index), in: connection)
                }
            }
            let entries = try trail.entries(limit: 100, in: test.database)
            #expect(entries.map(\.sequence) == Array(1...25))
            #expect(entries[3].before == #"{"displayName":"A3"}"#)
            #expect(try trail.verify(in: test.database, batch: 7) == nil)
        }
    }

    @Test("an entry rolls back with the change it records", arguments: TestBackend.all)
    func rollsBack(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try migrated(test)
            struct Refused: Error {}
            #expect(throws: Refused.self) {
                try test.database.write { connection in
                    try AuditTrail().append(change(1), at: 1, in: connection)
                    throw Refused()
                }
            }
            #expect(try AuditTrail().entries(in: test.database).isEmpty)
        }
    }

    @Test("the database refuses to update or delete entries", arguments: TestBackend.all)
    func appendOnly(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try migrated(test)
            try test.database.write { try AuditTrail().append(change(1), at: 1, in: $0) }
            #expect(throws: StorageError.self) {
                try test.database.write { try $0.execute("UPDATE audit_entries SET action = 'x'") }
            }
            #expect(throws: StorageError.self) {
                try test.database.write { try $0.execute("DELETE FROM audit_entries") }
            }
            #expect(try AuditTrail().entries(in: test.database).count == 1)
        }
    }

    @Test("editing, deleting or reordering an entry behind the database's back is detected", arguments: TestBackend.all)
    func tamperingDetected(backend: TestBackend) throws {
        for tampering in [
            "UPDATE audit_entries SET after_json = '{\"displayName\":\"X\"}' WHERE sequence = 4",
            "DELETE FROM audit_entries WHERE sequence = 4",
            "UPDATE audit_entries SET sequence = sequence + 100 WHERE sequence = 4",
        ] {
            try backend.withDatabase { test in
                try migrated(test)
                for index in 0..<8 {
                    try test.database.write { try AuditTrail().append(change(index), at: Int64(index), in: $0) }
                }
                // Someone with administrator access to the database removes the guard first.
                try test.database.write { connection in
                    try AuditGuards.drop(in: connection)
                    try connection.execute(tampering)
                }
                #expect(try AuditTrail().verify(in: test.database) == 4, "\(tampering)")
            }
        }
    }

    @Test("concurrent appends keep the chain intact", arguments: TestBackend.all)
    func concurrentAppends(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try migrated(test)
            let database = try test.open(poolCapacity: 8)
            defer { database.close() }
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                for round in 0..<10 {
                    _ = try? database.write { connection in
                        try AuditTrail().append(change(worker * 100 + round), at: Int64(round), in: connection)
                    }
                }
            }
            let entries = try AuditTrail().entries(limit: 500, in: test.database)
            #expect(entries.count == 80)
            #expect(try AuditTrail().verify(in: test.database) == nil)
        }
    }

    @Test("entries can be read for one organisation only", arguments: TestBackend.all)
    func perOrganisation(backend: TestBackend) throws {
        try backend.withDatabase { test in
            try migrated(test)
            try test.database.write { connection in
                try AuditTrail().append(change(1, organisation: "org-norr"), at: 1, in: connection)
                try AuditTrail().append(change(2, organisation: "org-soder"), at: 2, in: connection)
                try AuditTrail().append(change(3, organisation: "org-norr"), at: 3, in: connection)
            }
            let norr = try AuditTrail().entries(organisationID: "org-norr", in: test.database)
            #expect(norr.map(\.objectID) == ["e1", "e3"])
        }
    }
}
