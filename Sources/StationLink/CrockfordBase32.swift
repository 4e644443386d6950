/// Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U, so that a
/// code read aloud or typed from paper has no look-alike characters.
enum CrockfordBase32 {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The canonical symbol for a typed character: upper case, `O` read as zero, `I` and `L` as
    /// one; `nil` for a character outside the alphabet (including `U`).
    static func symbol(for character: Character) -> Character? {
        // Only ASCII letters have a one-character upper case in the alphabet; "ß" upper-cases to
        // "SS" and a ligature to several letters, which no single Character can hold.
        guard character.isASCII else { return nil }
        let upper = Character(character.uppercased())
        switch upper {
        case "O": return "0"
        case "I", "L": return "1"
        default: return alphabet.contains(upper) ? upper : nil
        }
    }

    /// `count` symbols from uniformly random 5-bit values.
    static func random(count: Int, bytes: [UInt8]) -> String {
        precondition(bytes.count >= count, "one random byte per symbol")
        // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
        return String(bytes.prefix(count).map { alphabet[Int($0 & 0x1F)] })
    }
}
