import Crypto
import Testing

private struct X25519VectorFile: Decodable {
    struct Vector: Decodable {
        let name: String
        let privateKey: String
        let publicKey: String
    }
    let vectors: [Vector]
}

@Suite("Boxes between two known parties, and Ed25519 keys used as X25519")
struct BoxTests {
    private let alice = try! Box.PrivateKey(secret: [UInt8](repeating: 0x31, count: 32))
    private let bob = try! Box.PrivateKey(secret: [UInt8](repeating: 0x32, count: 32))
    private let nonce = [UInt8](repeating: 0x07, count: Box.nonceLength)

    @Test("an X25519 private key yields the published public key")
    func publishedPublicKeys() throws {
        let file = try loadVectors("x25519.json", as: X25519VectorFile.self)
        #expect(file.vectors.count == 2)
        for vector in file.vectors {
            #expect(
                try Box.PrivateKey(secret: hex(vector.privateKey)).publicKey == hex(vector.publicKey), "\(vector.name)")
        }
    }

    @Test("both parties derive the same shared key, and a box made by one opens for the other")
    func roundTrip() throws {
        let fromAlice = try Box.SharedKey(privateKey: alice, peerPublicKey: bob.publicKey)
        let fromBob = try Box.SharedKey(privateKey: bob, peerPublicKey: alice.publicKey)
        let box = try fromAlice.seal(Array("hello station".utf8), nonce: nonce)

        #expect(box.count == 13 + Box.overhead)
        #expect(try fromBob.open(box, nonce: nonce) == Array("hello station".utf8))
        #expect(try fromAlice.open(fromBob.seal([], nonce: nonce), nonce: nonce) == [])
    }

    @Test("a box does not open under another key, another nonce, or after any byte changed")
    func tamper() throws {
        let shared = try Box.SharedKey(privateKey: alice, peerPublicKey: bob.publicKey)
        let stranger = try Box.PrivateKey(secret: [UInt8](repeating: 0x33, count: 32))
        let box = try shared.seal([1, 2, 3, 4, 5], nonce: nonce)

        let wrongKey = try Box.SharedKey(privateKey: stranger, peerPublicKey: bob.publicKey)
        #expect(throws: CryptoError.openFailed) { try wrongKey.open(box, nonce: nonce) }
        var otherNonce = nonce
        otherNonce[0] ^= 1
        #expect(throws: CryptoError.openFailed) { try shared.open(box, nonce: otherNonce) }
        for index in box.indices {
            var altered = box
            altered[index] ^= 0x40
            #expect(throws: CryptoError.openFailed) { try shared.open(altered, nonce: nonce) }
        }
        #expect(throws: CryptoError.invalidLength(expected: Box.overhead, actual: 3)) {
            try shared.open([1, 2, 3], nonce: nonce)
        }
        #expect(throws: CryptoError.invalidLength(expected: Box.nonceLength, actual: 8)) {
            try shared.seal([1], nonce: [UInt8](repeating: 0, count: 8))
        }
    }

    @Test("a peer key of small order is refused rather than giving a predictable shared key")
    func smallOrderPeer() {
        #expect(throws: CryptoError.invalidPublicKey) {
            try Box.SharedKey(privateKey: alice, peerPublicKey: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: CryptoError.invalidLength(expected: 32, actual: 31)) {
            try Box.SharedKey(privateKey: alice, peerPublicKey: [UInt8](repeating: 9, count: 31))
        }
    }

    @Test("an Ed25519 key pair converts to a matching X25519 key pair that boxes with a peer")
    func ed25519Conversion() throws {
        let station = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x41, count: 32))
        let server = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x42, count: 32))
        let stationPublic = try Ed25519.x25519PublicKey(from: station.publicKey)
        let serverPublic = try Ed25519.x25519PublicKey(from: server.publicKey)

        #expect(station.boxKey.publicKey == stationPublic)
        #expect(stationPublic != station.publicKey)
        let request = try Box.SharedKey(privateKey: station.boxKey, peerPublicKey: serverPublic)
            .seal(Array("request".utf8), nonce: nonce)
        let opened = try Box.SharedKey(privateKey: server.boxKey, peerPublicKey: stationPublic)
            .open(request, nonce: nonce)
        #expect(opened == Array("request".utf8))
    }

    @Test("an Ed25519 key of small order does not convert")
    func invalidEd25519Key() {
        // The encoding of the neutral point (y = 1): a valid point, but of small order.
        var neutral = [UInt8](repeating: 0, count: 32)
        neutral[0] = 1
        #expect(throws: CryptoError.invalidPublicKey) { try Ed25519.x25519PublicKey(from: neutral) }
        #expect(throws: CryptoError.invalidLength(expected: 32, actual: 5)) {
            try Ed25519.x25519PublicKey(from: [1, 2, 3, 4, 5])
        }
    }
}
