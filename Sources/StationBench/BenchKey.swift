import Crypto
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting
import Station
import Synchronization

/// The key core a benchmark key runs: real libsodium crypto and signing, the host clock, its
/// state in memory (the key's flash is what is simulated, not its protocol).
typealias BenchKeyCore = KeyCore<SodiumProtocolCrypto, SodiumSigner, SystemKeyClock, InMemoryKeyStore>

/// A key in a benchmark dock: a real ``KeyCore`` in memory behind the dock interface, answering
/// at once, as a key on the dock's contacts would.
final class BenchKey: DockedKey {
    let serial: String
    let publicKey: [UInt8]
    let battery = BatteryReading(percent: 80, millivolts: 3_900)
    private let signer: SodiumSigner
    private let core: Mutex<BenchKeyCore>
    private let waiting = Mutex<CheckedContinuation<DockResult, Never>?>(nil)

    /// A new key with a fresh key pair and no trust anchors, as it leaves the factory.
    init(serial: String) {
        self.serial = serial
        signer = SodiumSigner(Ed25519.PrivateKey.generate())
        publicKey = signer.publicKey
        core = Mutex(Self.makeCore(anchors: [], signer: signer, store: InMemoryKeyStore()))
    }

    private static func makeCore(anchors: [TrustAnchor], signer: SodiumSigner, store: InMemoryKeyStore)
        -> BenchKeyCore
    {
        BenchKeyCore(
            configuration: KeyConfiguration(trustAnchors: anchors), crypto: SodiumProtocolCrypto(), signer: signer,
            clock: SystemKeyClock(), store: store)
    }

    var hasTrustAnchors: Bool { core.withLock { !$0.configuration.trustAnchors.isEmpty } }

    func installTrustAnchors(_ anchors: [TrustAnchor]) async throws {
        let signer = signer
        try core.withLock { core in
            guard core.configuration.trustAnchors.isEmpty else {
                throw DockError.keyRefused("the key already holds trust anchors and keeps them")
            }
            core = Self.makeCore(anchors: anchors, signer: signer, store: core.store)
        }
    }

    func exchange(_ message: [UInt8]) async throws -> [UInt8] {
        let type = message.count >= MessageHeader.length ? MessageType(rawValue: message[3]) : nil
        return try core.withLock { core in
            do {
                switch type {
                case .syncHello:
                    return try core.report(hello: message, battery: battery)
                case .eventAck:
                    let deleted = UInt32(try core.acknowledge(message))
                    return withUnsafeBytes(of: deleted.littleEndian) { Array($0) }
                case .activation:
                    try core.activate(message)
                    return [0]
                default:
                    throw DockError.keyRefused("the key does not take this message at the dock")
                }
            } catch let error as KeyError {
                throw DockError.keyRefused("\(error)")
            }
        }
    }

    func show(_ result: DockResult) async {
        waiting.withLock { $0.take() }?.resume(returning: result)
    }

    /// Hands the key to `dock` and waits until the station shows the employee the result.
    func dock(at dock: BenchDock) async -> DockResult {
        await withCheckedContinuation { continuation in
            waiting.withLock { $0 = continuation }
            dock.insert(self)
        }
    }

    /// The key's entries not yet acknowledged by the issuer.
    var pendingEntries: Int { core.withLock { $0.store.uploads.count } }

    /// The lock ids and permission count of the key's current activation.
    var activation: (locks: [LockID], permissions: Int)? {
        core.withLock { core in
            guard let activation = core.store.activation else { return nil }
            var locks: [LockID] = []
            for permission in activation.permissions where locks.last != permission.lockID {
                locks.append(permission.lockID)
            }
            return (locks, activation.permissions.count)
        }
    }

    /// Runs one door transaction with `lock`, as the radio would: the key logs it, and carries
    /// the lock's sealed events when the lock hands them over.
    ///
    /// - Returns: whether the door opened.
    @discardableResult
    func visit<Lock: LockCoreProtocol>(_ lock: inout Lock) -> Bool {
        core.withLock { core in
            let challenge = lock.challenge()
            guard let answer = try? core.answer(challenge) else { return false }
            for update in answer.revocationUpdates { _ = lock.receive(update) }
            let reply = lock.receive(answer.presentation)
            guard let outcome = try? core.accept(reply) else { return false }
            if let receipt = outcome.receipt { _ = lock.receive(receipt) }
            return outcome.opened
        }
    }
}

/// What a door transaction needs of a lock; ``LockCore`` provides it.
protocol LockCoreProtocol {
    /// Starts a transaction.
    mutating func challenge() -> [UInt8]
    /// Takes a message from the key and answers it.
    mutating func receive(_ message: [UInt8]) -> [UInt8]
}

extension LockCore: LockCoreProtocol {}
