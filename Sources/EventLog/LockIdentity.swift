import PortvaktProtocol

/// How the event log writes a lock's 16-byte identity: 32 lowercase hexadecimal characters.
public enum LockIdentity {
    /// The text form of `lockID`.
    public static func text(_ lockID: LockID) -> String {
        hex(lockID.bytes)
    }

    /// The canonical text form of `text` when it is 32 hexadecimal characters in either case,
    /// otherwise `nil`.
    public static func canonical(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard lowered.utf8.count == 32, lowered.utf8.allSatisfy({ hexDigit($0) != nil }) else { return nil }
        return lowered
    }

    /// Bytes as lowercase hexadecimal.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
