import Foundation
import HTTPServer
import Testing

@Suite("JSON body encoder")
struct JSONBodyEncoderTests {
    struct Schedule: Codable, Equatable {
        var days: [Int]
        var start: Int
        var end: Int
    }

    enum Kind: String, Codable {
        case apartment
        case entrance
    }

    struct Lock: Codable, Equatable {
        var id: String
        var kind: Kind
        var address: String?
        var schedule: Schedule?
        var tags: [String]
        var weight: Double
        var active: Bool
        var counters: [String: Int]
        var nested: [[Int]]
        var installedAt: Date?
        var serial: Data?
    }

    private let reference: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private func randomText(_ generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("abcXYZ åäö\"\\/\n\t\u{01}é😀0123")
        return String(
            (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }

    private func randomLock(_ generator: inout some RandomNumberGenerator) -> Lock {
        Lock(
            id: randomText(&generator), kind: Bool.random(using: &generator) ? .apartment : .entrance,
            address: Bool.random(using: &generator) ? randomText(&generator) : nil,
            schedule: Bool.random(using: &generator)
                ? Schedule(days: (0..<Int.random(in: 0...7, using: &generator)).map { $0 }, start: 480, end: 1020)
                : nil,
            tags: (0..<Int.random(in: 0...3, using: &generator)).map { _ in randomText(&generator) },
            weight: [0, 1, -2.5, 0.1, 1e-7, 123456.789, 1e21].randomElement(using: &generator)!,
            active: Bool.random(using: &generator),
            counters: Dictionary(
                uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &generator)).map { ("k\($0)", $0 * -7) }),
            nested: [[1, 2], [], [Int.max, Int.min]],
            installedAt: Bool.random(using: &generator) ? Date(timeIntervalSince1970: 1_796_300_000) : nil,
            serial: Bool.random(using: &generator) ? Data([0, 1, 2, 250, 255]) : nil)
    }

    @Test("output is byte for byte what Foundation's encoder writes with sorted keys")
    func matchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let lock = randomLock(&generator)
            let ours = try JSONBodyEncoder().encode(lock)
            let theirs = Array(try reference.encode(lock))
            #expect(String(decoding: ours, as: UTF8.self) == String(decoding: theirs, as: UTF8.self))
            #expect(try JSONDecoder.iso8601.decode(Lock.self, from: Data(ours)) == lock)
        }
    }

    @Test("top-level arrays, strings and numbers encode")
    func topLevelValues() throws {
        #expect(String(decoding: try JSONBodyEncoder().encode([3, 1, 2]), as: UTF8.self) == "[3,1,2]")
        #expect(String(decoding: try JSONBodyEncoder().encode("a\"b"), as: UTF8.self) == #""a\"b""#)
        #expect(String(decoding: try JSONBodyEncoder().encode(2.5), as: UTF8.self) == "2.5")
    }

    @Test("integers of every width and floats encode as numbers, like Foundation's encoder")
    func otherWidths() throws {
        struct Widths: Codable {
            var u8: UInt8 = 255
            var u16: UInt16 = 65_535
            var u32: UInt32 = 4_294_967_295
            var u64: UInt64 = 18_446_744_073_709_551_615
            var u: UInt = 7
            var i8: Int8 = -128
            var i16: Int16 = -32_768
            var i32: Int32 = -2_147_483_648
            var f: Float = 1.5
        }
        let ours = String(decoding: try JSONBodyEncoder().encode(Widths()), as: UTF8.self)
        #expect(ours == String(decoding: try reference.encode(Widths()), as: UTF8.self))
        #expect(ours.contains(#""u32":4294967295"#))
        #expect(String(decoding: try JSONBodyEncoder().encode([UInt32(1), 2]), as: UTF8.self) == "[1,2]")
    }

    @Test("a non-finite number is refused")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try JSONBodyEncoder().encode(["x": Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONBodyEncoder().encode([Double.infinity]) }
    }
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

@Suite("JSON body encoder, keys")
struct JSONBodyEncoderKeyTests {
    struct Twice: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode("first", forKey: .b)
            try container.encode(1, forKey: .a)
            try container.encode("second", forKey: .b)
        }

        enum Key: String, CodingKey {
            case a
            case b
        }
    }

    @Test("a key encoded twice keeps its last value, like Foundation's encoder")
    func lastValueWins() throws {
        #expect(String(decoding: try JSONBodyEncoder().encode(Twice()), as: UTF8.self) == #"{"a":1,"b":"second"}"#)
    }

    @Test("a large dictionary encodes with sorted keys")
    func largeDictionary() throws {
        let dictionary = Dictionary(uniqueKeysWithValues: (0..<5000).map { ("lock-\($0)", $0) })
        let encoded = try JSONBodyEncoder().encode(dictionary)
        let decoded = try JSONDecoder().decode([String: Int].self, from: Data(encoded))
        #expect(decoded == dictionary)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.hasPrefix(#"{"lock-0":0,"lock-1":1,"lock-10":10,"#))
    }
}
