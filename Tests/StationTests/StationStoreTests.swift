import Crypto
import Foundation
import Testing

@testable import Station

@Suite("Station store")
struct StationStoreTests {
    private func enqueue(_ store: StationStore, serial: String, at time: Int64) throws -> Int64? {
        try store.enqueue(
            keySerial: serial, keyPublicKey: [UInt8](repeating: 1, count: 32), hello: [1, 2],
            report: Array(serial.utf8),
            entryCount: 3, now: time)
    }

    @Test("queued reports survive closing and reopening, and come back oldest first")
    func durableOldestFirst() throws {
        let directory = try TemporaryDirectory()
        let store = try StationStore(directory: directory.path)
        for (index, serial) in ["K-1", "K-2", "K-3"].enumerated() {
            #expect(try enqueue(store, serial: serial, at: 1_000 + Int64(index)) != nil)
        }
        let first = try store.oldestReports(limit: 1)
        try store.removeReport(first[0].id)
        #expect(try enqueue(store, serial: "K-4", at: 2_000) != nil)
        store.close()

        let reopened = try StationStore(directory: directory.path)
        defer { reopened.close() }
        let reports = try reopened.oldestReports(limit: 10)
        #expect(reports.map(\.keySerial) == ["K-2", "K-3", "K-4"])
        #expect(reports.map(\.report) == [Array("K-2".utf8), Array("K-3".utf8), Array("K-4".utf8)])
        #expect(reports.first?.entryCount == 3)
        let status = try reopened.queueStatus()
        #expect(status.depth == 3)
        #expect(status.oldestQueuedAt == 1_001)
    }

    @Test("a full queue takes nothing more and says so, and warns from 80 percent")
    func limits() throws {
        let directory = try TemporaryDirectory()
        let store = try StationStore(directory: directory.path, queueLimits: QueueLimits(maxReports: 5))
        defer { store.close() }
        for index in 0..<4 {
            #expect(try enqueue(store, serial: "K-\(index)", at: Int64(index)) != nil)
        }
        #expect(try store.queueStatus().isNearlyFull)
        #expect(try !store.queueStatus().isFull)
        #expect(try enqueue(store, serial: "K-4", at: 4) != nil)
        #expect(try store.queueStatus().isFull)
        #expect(try enqueue(store, serial: "K-5", at: 5) == nil)
        #expect(try store.queueStatus().depth == 5)
        #expect(try store.oldestReports(limit: 10).map(\.keySerial) == ["K-0", "K-1", "K-2", "K-3", "K-4"])

        #expect(QueueLimits().maxReports == 100_000)
        #expect(QueueLimits().warningDepth == 80_000)
    }

    @Test("the state directory and database are private to the station's user")
    func permissions() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("state")
        let store = try StationStore(directory: path)
        defer { store.close() }
        var attributes = stat()
        stat(path, &attributes)
        #expect(attributes.st_mode & 0o777 == 0o700)
        stat(path + "/station.sqlite", &attributes)
        #expect(attributes.st_mode & 0o777 == 0o600)
        let journal = try store.database.read { try $0.first("PRAGMA journal_mode")?.text("journal_mode") }
        #expect(journal == "wal")
    }

    @Test("enrolment is stored once, with its keys and addresses, and read back")
    func identity() throws {
        let directory = try TemporaryDirectory()
        let store = try StationStore(directory: directory.path)
        defer { store.close() }
        #expect(try store.identity() == nil)
        let seed = [UInt8](repeating: 9, count: 32)
        let key = try Ed25519.PrivateKey(seed: seed)
        let keys = PinnedServerKeys(
            linkPublicKey: [UInt8](repeating: 1, count: 32), issuerID: 7,
            issuerPublicKey: [UInt8](repeating: 2, count: 32),
            eventPublicKey: [UInt8](repeating: 3, count: 32))
        let addresses = [
            try ServerAddress(parsing: "http://10.0.0.1:8080"), try ServerAddress(parsing: "http://backup"),
        ]
        try store.saveEnrolment(
            stationID: "stn-1", organisationID: "org-norr", seed: seed, publicKey: key.publicKey, serverKeys: keys,
            addresses: addresses, now: 5)

        let stored = try #require(try store.identity())
        #expect(stored.stationID == "stn-1")
        #expect(stored.organisationID == "org-norr")
        #expect(stored.privateKey.publicKey == key.publicKey)
        #expect(stored.serverKeys == keys)
        #expect(stored.serverKeys.trustAnchor.issuerID == 7)
        #expect(try store.serverAddresses() == addresses)
        #expect(throws: StationError.self) {
            try store.saveEnrolment(
                stationID: "stn-2", organisationID: "org-norr", seed: seed, publicKey: key.publicKey, serverKeys: keys,
                addresses: addresses, now: 6)
        }
        #expect(try store.identity()?.stationID == "stn-1")
    }

    @Test(
        "a prefetched activation is used only inside its validity and for its own key, and a new set replaces the old")
    func prefetched() throws {
        let directory = try TemporaryDirectory()
        let store = try StationStore(directory: directory.path)
        defer { store.close() }
        let one = [UInt8](repeating: 1, count: 32)
        let two = [UInt8](repeating: 2, count: 32)
        try store.replacePrefetched(
            [
                PrefetchedActivation(
                    keySerial: "K-1", keyPublicKey: one, activation: [1], doorCount: 3, validFrom: 100, validUntil: 200),
                PrefetchedActivation(
                    keySerial: "K-2", keyPublicKey: two, activation: [2], doorCount: 4, validFrom: 100, validUntil: 200),
            ], now: 0)
        #expect(try store.prefetched(serial: "K-1", publicKey: one, validAt: 150)?.doorCount == 3)
        #expect(try store.prefetched(serial: "K-1", publicKey: one, validAt: 200)?.activation == [1])
        #expect(try store.prefetched(serial: "K-1", publicKey: one, validAt: 201) == nil)
        #expect(try store.prefetched(serial: "K-1", publicKey: one, validAt: 99) == nil)
        #expect(try store.prefetched(serial: "K-1", publicKey: two, validAt: 150) == nil)
        #expect(try store.prefetched(serial: "K-9", publicKey: one, validAt: 150) == nil)

        try store.replacePrefetched(
            [
                PrefetchedActivation(
                    keySerial: "K-2", keyPublicKey: two, activation: [5], doorCount: 6, validFrom: 100, validUntil: 300)
            ], now: 1)
        #expect(try store.prefetched(serial: "K-1", publicKey: one, validAt: 150) == nil)
        #expect(try store.prefetched(serial: "K-2", publicKey: two, validAt: 250)?.activation == [5])
        #expect(try store.prefetchedCount() == 1)
    }
}
