// Measures what the credential protocol costs on this machine: a lock's decision, the crypto
// operations inside it, credential issuance, and the bytes on the air, beside raw libsodium.

import CredentialIssuer
import Crypto
import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolCrypto
import ProtocolTesting

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000

let fixture = DoorFixture()
let clock = TestClock(now: DoorFixture.monday0800 + 3_600)
let target = BenchWorld.lockID(2_345)
let permissions4000 = (0..<4_000).map { Permission(lockID: BenchWorld.lockID($0)) }

print("Portvakt credential protocol benchmark (\(iterations) iterations per figure)")
print("")

// Raw libsodium, on a message the size of a door transcript.
let signingKey = Ed25519.PrivateKey.generate()
let message = [UInt8](repeating: 0x5A, count: 700)
let signature = signingKey.sign(message)
let rawVerify = measure(iterations) {
    _ = Ed25519.verify(signature: signature, message: message, publicKey: signingKey.publicKey)
}
let rawSign = measure(iterations) { _ = signingKey.sign(message) }
let rawHash = measure(iterations) { _ = Blake2b.hash([UInt8](repeating: 1, count: 65)) }

// Lock decisions against a key carrying 4,000 permissions.
var key = fixture.makeKey(clock: clock)
try fixture.activate(&key, permissions: permissions4000)
let decideOnly = try BenchWorld.decisionTimes(key: &key, handoff: false, iterations: iterations)
let decideWithHandoff = try BenchWorld.decisionTimes(key: &key, handoff: true, iterations: iterations)
let counts = try BenchWorld.operationCounts(key: &key)

// Issuance.
var issuance: [(Int, Stats)] = []
for count in [1, 200, 4_000] {
    let request = CredentialRequest(
        keyPublicKey: key.publicKey, issuedAt: DoorFixture.monday0800, validFrom: DoorFixture.monday0800,
        validUntil: DoorFixture.monday0800 + 8 * 3_600, permissions: Array(permissions4000.prefix(count)))
    let rounds = count == 4_000 ? max(iterations / 10, 50) : iterations
    issuance.append((count, measure(rounds) { _ = try! fixture.issuer.issue(request) }))
}

// Bytes on the air.
let bytes1 = try BenchWorld.transactionBytes(permissions: [Permission(lockID: target)])
let bytes4000 = try BenchWorld.transactionBytes(permissions: permissions4000)

print("Timings (microseconds)                          p50        p99")
row("raw libsodium Ed25519 verify (700 B)", rawVerify)
row("raw libsodium Ed25519 sign (700 B)", rawSign)
row("raw libsodium BLAKE2b-256 (65 B)", rawHash)
row("lock decision, 4,000 permissions", decideOnly)
row("lock decision + sealing event hand-off", decideWithHandoff)
for (count, stats) in issuance {
    let label = count == 1 ? "1 permission" : count == 4_000 ? "4,000 permissions" : "\(count) permissions"
    row("credential build + sign, " + label, stats)
}
print("")
print("Lock work per decision (4,000-permission credential, counted through the injected crypto)")
print("  Ed25519 verifications: \(counts.verifications)   (goal: at most 2)")
print(
    "  BLAKE2b hashes:        \(counts.hashes)   (1 leaf + \(counts.hashes - 2) Merkle levels + 1 log chain; O(log n))")
print("  sealed boxes:          \(counts.seals)   (event hand-off to an authenticated key)")
print("")
print("Bytes per door transaction                      1 permission   4,000 permissions")
for (label, small, large) in zip3(bytes1, bytes4000) {
    print("  " + pad(label, 46) + pad(String(small), 15) + String(large))
}
print("")
let fourThousand = issuance.last!.1
print(
    "Goal check: decision verifications <= 2: \(counts.verifications <= 2 ? "met" : "NOT met");"
        + " 4,000-permission credential under 5 ms (p50): \(fourThousand.p50 < 5_000 ? "met" : "NOT met")")
