import Crypto

/// The one-time code an administrator hands to whoever sets up a station: 20 Crockford base32
/// characters (100 bits), shown in four groups (`7KQ2M-9XW4D-…`).
///
/// The code itself never travels. The station sends ``lookup`` so the server can find the
/// pending station, and proves knowledge of the code with a MAC under ``key``; the server keeps
/// only those two values. The description hides the code, so it cannot leak into a log.
public struct EnrolmentCode: Sendable, Equatable, CustomStringConvertible {
    /// Characters in a code.
    public static let length = 20
    private static let groupLength = 5

    /// The canonical code: 20 symbols, upper case, no separators.
    public let normalised: String

    /// Reads a code as a person typed it: case, dashes and spaces do not matter, and `O`, `I`
    /// and `L` are read as `0`, `1` and `1`.
    /// - Throws: ``LinkError/invalidEnrolmentCode(_:)`` for a character outside the alphabet or
    ///   a code of the wrong length.
    public init(_ text: String) throws(LinkError) {
        var symbols: [Character] = []
        for character in text where character != "-" && character != " " {
            guard let symbol = CrockfordBase32.symbol(for: character) else {
                throw .invalidEnrolmentCode("\"\(character)\" is not one of its characters")
            }
            symbols.append(symbol)
        }
        guard symbols.count == Self.length else {
            throw .invalidEnrolmentCode("it has \(symbols.count) characters where \(Self.length) are needed")
        }
        normalised = String(symbols)
    }

    /// A fresh code from operating-system randomness.
    public static func generate() -> EnrolmentCode {
        var random = RandomBytes.generate(length)
        defer { secureZero(&random) }
        // Twenty symbols of the alphabet always read back.
        return try! EnrolmentCode(CrockfordBase32.random(count: length, bytes: random))
    }

    /// The code as shown to people: four groups of five joined by dashes.
    public var grouped: String {
        let symbols = Array(normalised)
        return stride(from: 0, to: symbols.count, by: Self.groupLength).map {
            String(symbols[$0..<($0 + Self.groupLength)])
        }.joined(separator: "-")
    }

    /// What the server finds the pending station by: hex of
    /// BLAKE2b-128(`portvakt/enrol-lookup/v1` ‖ code).
    public var lookup: String {
        let digest = Blake2b.hash(Array("portvakt/enrol-lookup/v1".utf8) + Array(normalised.utf8), length: 16)
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The MAC key both sides derive: BLAKE2b-256(`portvakt/enrol-key/v1` ‖ code).
    public var key: EnrolmentKey {
        EnrolmentKey(derived: Blake2b.hash(Array("portvakt/enrol-key/v1".utf8) + Array(normalised.utf8)))
    }

    /// Never the code itself.
    public var description: String { "enrolment code (hidden)" }
}
