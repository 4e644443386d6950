import Crypto
import Testing

private struct Ed25519VectorFile: Decodable {
    struct Vector: Decodable {
        let name: String
        let seed: String
        let publicKey: String
        let message: String
        let signature: String
    }
    let vectors: [Vector]
}

@Suite("Ed25519 through the libsodium wrapper")
struct Ed25519Tests {
    private let file: Ed25519VectorFile

    init() throws {
        file = try loadVectors("rfc8032-ed25519.json", as: Ed25519VectorFile.self)
    }

    @Test("the RFC 8032 seeds give the published public keys and signatures")
    func rfcVectorsSign() throws {
        #expect(file.vectors.count == 3)
        for vector in file.vectors {
            let key = try Ed25519.PrivateKey(seed: hex(vector.seed))
            #expect(key.publicKey == hex(vector.publicKey), "\(vector.name)")
            #expect(key.sign(hex(vector.message)) == hex(vector.signature), "\(vector.name)")
        }
    }

    @Test("the RFC 8032 signatures verify, and fail after any single bit flip")
    func rfcVectorsVerify() {
        for vector in file.vectors {
            let message = hex(vector.message)
            let signature = hex(vector.signature)
            let publicKey = hex(vector.publicKey)
            #expect(Ed25519.verify(signature: signature, message: message, publicKey: publicKey))

            var flipped = signature
            flipped[7] ^= 0x10
            #expect(!Ed25519.verify(signature: flipped, message: message, publicKey: publicKey))
            #expect(!Ed25519.verify(signature: signature, message: message + [0], publicKey: publicKey))
        }
    }

    @Test("wrong lengths are invalid rather than fatal")
    func wrongLengths() throws {
        #expect(throws: CryptoError.invalidLength(expected: 32, actual: 31)) {
            try Ed25519.PrivateKey(seed: [UInt8](repeating: 1, count: 31))
        }
        let key = Ed25519.PrivateKey.generate()
        let signature = key.sign([1, 2, 3])
        #expect(!Ed25519.verify(signature: Array(signature.dropLast()), message: [1, 2, 3], publicKey: key.publicKey))
        #expect(!Ed25519.verify(signature: signature, message: [1, 2, 3], publicKey: Array(key.publicKey.prefix(31))))
    }
}
