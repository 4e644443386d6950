import CredentialIssuer
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting

/// Percentiles of a set of timings, in microseconds.
struct Stats {
    var p50: Double
    var p99: Double
}

/// Runs `body` `count` times after a warm-up and returns its p50 and p99.
func measure(_ count: Int, _ body: () -> Void) -> Stats {
    for _ in 0..<min(count / 10 + 1, 100) { body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let elapsed = clock.measure(body)
        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    samples.sort()
    return Stats(p50: samples[count / 2], p99: samples[min(count - 1, count * 99 / 100)])
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

func format(_ value: Double) -> String {
    let hundredths = Int(value * 100 + 0.5)
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

func row(_ label: String, _ stats: Stats) {
    print("  " + pad(label, 44) + pad(format(stats.p50), 11) + format(stats.p99))
}

func zip3(_ small: [(String, Int)], _ large: [(String, Int)]) -> [(String, Int, Int)] {
    zip(small, large).map { ($0.0, $0.1, $1.1) }
}

/// Builders for the benchmark's locks and transactions.
@MainActor
enum BenchWorld {
    typealias PlainLock = LockCore<SodiumProtocolCrypto, SeededRandom, TestClock, InMemoryLockStore>

    static let fixture = DoorFixture()
    static let clock = TestClock(now: DoorFixture.monday0800 + 3_600)

    /// A distinct lock identity for each index.
    static func lockID(_ index: Int) -> LockID {
        LockID((0..<16).map { UInt8(truncatingIfNeeded: index >> ($0 % 2 * 8)) })!
    }

    static func plainLock(handoff: Bool) -> PlainLock {
        var capabilities = Capabilities.version1
        if !handoff { capabilities.remove(.eventHandoff) }
        return try! PlainLock(
            configuration: LockConfiguration(
                lockID: lockID(2_345), trustAnchors: [fixture.issuerKey.trustAnchor()],
                eventRecipient: fixture.intake.eventRecipient, capabilities: capabilities),
            crypto: SodiumProtocolCrypto(), random: SeededRandom(seed: 1), clock: clock,
            store: InMemoryLockStore(timeFloor: DoorFixture.monday0800 - 86_400))
    }

    /// Times `lock.decide` alone: challenge and the key's answer happen outside the measurement.
    static func decisionTimes(key: inout TestKey, handoff: Bool, iterations: Int) throws -> Stats {
        var lock = plainLock(handoff: handoff)
        var presentations: [[UInt8]] = []
        let clock = ContinuousClock()
        var samples: [Double] = []
        for round in 0..<(iterations + 50) {
            let challenge = lock.challenge()
            presentations = [try key.answer(challenge).presentation]
            var decision: Decision?
            let elapsed = clock.measure { decision = lock.decide(presentations[0]) }
            precondition(decision?.opened == true, "benchmark decision must open")
            if round >= 50 {
                samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
        }
        samples.sort()
        return Stats(p50: samples[samples.count / 2], p99: samples[samples.count * 99 / 100])
    }

    /// Counts the crypto operations of one decision with event hand-off.
    static func operationCounts(key: inout TestKey) throws -> CountingCrypto {
        var lock = fixture.makeLock(id: lockID(2_345), clock: clock)
        let challenge = lock.challenge()
        let presentation = try key.answer(challenge).presentation
        lock.crypto.reset()
        precondition(lock.decide(presentation).opened, "benchmark decision must open")
        return lock.crypto
    }

    /// Bytes of each message in a full transaction with event hand-off and receipt.
    static func transactionBytes(permissions: [Permission]) throws -> [(String, Int)] {
        var key = fixture.makeKey(seed: 0x45, clock: clock)
        try fixture.activate(&key, permissions: permissions)
        var lock = fixture.makeLock(id: lockID(2_345), clock: clock)
        let challenge = lock.challenge()
        let answer = try key.answer(challenge)
        let decision = lock.receive(answer.presentation)
        let outcome = try key.accept(decision)
        let receipt = outcome.receipt ?? []
        let status = receipt.isEmpty ? [] : lock.receive(receipt)
        let plainDecision = try Decision.decode(decision)
        let withoutEvents = Decision.fixedLength
        return [
            ("challenge (lock to key)", challenge.count),
            ("presentation (key to lock)", answer.presentation.count),
            ("decision without events (lock to key)", withoutEvents),
            (
                "decision with \(try fixture.intake.openLockBatch(plainDecision.sealedEvents).events.count) sealed event",
                decision.count
            ),
            ("receipt + status", receipt.count + status.count),
            ("total, door opening only", challenge.count + answer.presentation.count + withoutEvents),
            (
                "total with event hand-off",
                challenge.count + answer.presentation.count + decision.count + receipt.count
                    + status.count
            ),
        ]
    }
}
