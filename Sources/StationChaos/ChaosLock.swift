import Foundation
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import Station

/// A lock for the chaos run: the real ``LockCore`` with libsodium, the host's clock and
/// randomness, and its store kept in a file between runs of the tool, so its counters and event
/// chain go on where they stopped.
struct ChaosLock {
    typealias Core = LockCore<SodiumProtocolCrypto, SystemRandom, SystemLockClock, InMemoryLockStore>

    /// The lock's core.
    var core: Core
    /// The highest counter handed to a key that stored it: every event up to it rode home on a
    /// key and must reach the server.
    var carriedThrough: UInt64
    /// Where the lock is kept.
    let path: String

    private static let magic = Array("PVLOCKSIM1".utf8)

    /// Opens the lock kept at `path`, or commissions a new one with `configuration` there.
    init(path: String, configuration: LockConfiguration) throws {
        self.path = path
        let kept = try Self.read(path)
        carriedThrough = kept?.carriedThrough ?? 0
        core = try Core(
            configuration: configuration, crypto: SodiumProtocolCrypto(), random: SystemRandom(),
            clock: SystemLockClock(),
            store: kept?.store ?? InMemoryLockStore(timeFloor: UInt64(Date().timeIntervalSince1970) - 86_400))
    }

    /// The store and carried counter kept at `path`, or `nil` when there is no file.
    static func read(_ path: String) throws -> (store: InMemoryLockStore, carriedThrough: UInt64)? {
        guard let bytes = try AtomicFile.read(path) else { return nil }
        var reader = ByteReader(bytes)
        guard try reader.raw(magic.count) == magic else { throw ChaosError("\(path) is not a chaos lock file") }
        let carriedThrough = try reader.u64()
        var state = LockState(timeFloor: try reader.u64())
        state.nextEventCounter = try reader.u64()
        state.chainHead = try reader.raw(FieldLength.digest)
        state.deliveredThrough = try reader.u64()
        state.lostUndelivered = try reader.u32()
        var store = InMemoryLockStore(timeFloor: state.timeFloor)
        store.state = state
        for _ in 0..<Int(try reader.u8()) {
            store.saveRevocationList(try RevocationList.decode(try reader.raw(Int(try reader.u32()))))
        }
        for _ in 0..<Int(try reader.u32()) {
            let chainBefore = try reader.raw(FieldLength.digest)
            store.appendEvent(StoredLockEvent(event: try LockEvent.decode(from: &reader), chainBefore: chainBefore))
        }
        try reader.finish()
        return (store, carriedThrough)
    }

    /// Events the lock has made.
    var eventCount: UInt64 { core.store.state.nextEventCounter - 1 }

    /// Writes the lock to its file, atomically.
    func save() throws {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u64(carriedThrough)
        let state = core.store.state
        writer.u64(state.timeFloor)
        writer.u64(state.nextEventCounter)
        writer.raw(state.chainHead)
        writer.u64(state.deliveredThrough)
        writer.u32(state.lostUndelivered)
        writer.u8(UInt8(core.store.revocationLists.count))
        for list in core.store.revocationLists {
            let bytes = list.encoded
            writer.u32(UInt32(bytes.count))
            writer.raw(bytes)
        }
        writer.u32(UInt32(core.store.events.count))
        for stored in core.store.events {
            writer.raw(stored.chainBefore)
            stored.event.encode(into: &writer)
        }
        try AtomicFile.write(writer.bytes, to: path)
    }
}
