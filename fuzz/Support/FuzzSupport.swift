// Shared by every fuzz target: turning libFuzzer's buffer into bytes, the canonical-encoding
// check, and crypto stand-ins that let the fuzzer past signatures into the logic behind them.

import PortvaktProtocol

/// The fuzzer's input as an array.
func input(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// Every accepted message must re-encode to exactly the bytes it came from: one meaning, one
/// encoding. A difference is a parser bug, so the target traps and libFuzzer records the input.
func requireCanonical(_ original: [UInt8], _ reencoded: [UInt8]) {
    if original != reencoded { fatalError("decoder accepted a non-canonical encoding") }
}

/// Accepts every signature and hashes cheaply, so fuzzed presentations reach the time, revocation,
/// Merkle and schedule checks. Never use outside fuzzing.
struct PermissiveCrypto: SignatureVerifying, Hashing, Sealing, Signing {
    var publicKey: [UInt8] { [UInt8](repeating: 7, count: 32) }

    func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool { true }

    func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var state: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return (0..<32).map { UInt8(truncatingIfNeeded: state >> UInt64($0 % 8 * 8)) ^ UInt8($0) }
    }

    func seal(_ plaintext: [UInt8], to recipient: [UInt8]) -> [UInt8]? {
        plaintext + [UInt8](repeating: 0, count: 48)
    }

    func sign(_ message: [UInt8]) -> [UInt8] { [UInt8](repeating: 1, count: 64) }
}

/// A fixed clock for the cores.
final class FuzzClock {
    var now: UInt64 = 1_740_992_400
    var uptime: UInt64 = 0
}

/// A counter-based random source: the fuzzer needs repeatable runs, not secrecy.
struct CountingRandom: RandomSource {
    var next: UInt8 = 0
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in
            next &+= 1
            return next
        }
    }
}

/// Splits fuzz input into messages: each is a 2-byte little-endian length and that many bytes.
func messages(_ bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var offset = 0
    while offset + 2 <= bytes.count {
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        offset += 2
        let end = min(bytes.count, offset + length)
        result.append(Array(bytes[offset..<end]))
        offset = end
    }
    return result
}
