import Crypto
import Testing

@Suite("Sealed boxes, secrets and comparison")
struct SealedBoxTests {
    @Test("a box sealed to a key opens with that key and no other")
    func sealAndOpen() throws {
        let recipient = try SealedBox.PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        let stranger = try SealedBox.PrivateKey(seed: [UInt8](repeating: 8, count: 32))
        let box = try SealedBox.seal([1, 2, 3, 4], to: recipient.publicKey)

        #expect(box.count == 4 + SealedBox.overhead)
        #expect(try recipient.open(box) == [1, 2, 3, 4])
        #expect(throws: CryptoError.openFailed) { try stranger.open(box) }
    }

    @Test("an altered or truncated box is refused")
    func alteredBox() throws {
        let recipient = try SealedBox.PrivateKey(seed: [UInt8](repeating: 9, count: 32))
        var box = try SealedBox.seal([5, 6, 7], to: recipient.publicKey)
        box[box.count - 1] ^= 1
        #expect(throws: CryptoError.openFailed) { try recipient.open(box) }
        #expect(throws: CryptoError.invalidLength(expected: SealedBox.overhead, actual: 10)) {
            try recipient.open(Array(box.prefix(10)))
        }
    }

    @Test("constant-time comparison agrees with ordinary equality")
    func constantTimeComparison() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(constantTimeEqual([], []))
    }

    @Test("secure zeroing clears every byte and random bytes are not constant")
    func zeroingAndRandom() {
        var secret: [UInt8] = [9, 9, 9, 9]
        secureZero(&secret)
        #expect(secret == [0, 0, 0, 0])
        let first = RandomBytes.generate(32)
        #expect(first.count == 32)
        #expect(first != RandomBytes.generate(32))
        #expect(RandomBytes.generate(0).isEmpty)
    }
}
