import Crypto
import Testing

private struct Blake2bVectorFile: Decodable {
    struct Vector: Decodable {
        let name: String
        let message: String
        let key: String
        let length: Int
        let digest: String
    }
    let vectors: [Vector]
}

@Suite("BLAKE2b through the libsodium wrapper")
struct Blake2bTests {
    @Test("keyed and unkeyed BLAKE2b match the published digests")
    func publishedDigests() throws {
        let file = try loadVectors("blake2b.json", as: Blake2bVectorFile.self)
        #expect(file.vectors.count == 5)
        for vector in file.vectors {
            let digest = Blake2b.hash(hex(vector.message), key: hex(vector.key), length: vector.length)
            #expect(digest == hex(vector.digest), "\(vector.name)")
        }
    }

    @Test("hashing a raw buffer equals hashing the same bytes as an array")
    func rawBufferMatchesArray() {
        let message: [UInt8] = (0..<200).map { UInt8($0 & 0xff) }
        let fromBuffer = message.withUnsafeBytes { Blake2b.hash($0) }
        #expect(fromBuffer == Blake2b.hash(message))
        #expect(fromBuffer.count == 32)
    }
}
