import Foundation

/// Where the shared vector files live: `Tests/Vectors`, found from this source file.
let vectorDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Vectors")

/// Whether the run should rewrite vector files instead of checking them (`PORTVAKT_WRITE_VECTORS=1`).
let writingVectors = ProcessInfo.processInfo.environment["PORTVAKT_WRITE_VECTORS"] == "1"

/// Lowercase hexadecimal.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// Decodes hexadecimal; traps on malformed input because vector files are ours.
func hex(_ string: String) -> [UInt8] {
    let digits = Array(string.utf8)
    precondition(digits.count % 2 == 0, "odd-length hex string")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
    }
}
