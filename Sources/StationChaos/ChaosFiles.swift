import Foundation
import PortvaktProtocol

/// Where the run keeps its keys and locks.
enum ChaosFiles {
    /// The key files in `directory`, by name.
    static func keys(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".key") }.sorted()
            .map { directory + "/" + $0 }
    }

    /// The lock files in `directory`.
    static func locks(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".lock") }.sorted()
            .map { directory + "/" + $0 }
    }

    /// The file of the lock with `id`.
    static func lock(_ id: LockID, in directory: String) -> String {
        directory + "/" + hex(id.bytes) + ".lock"
    }

    /// Lowercase hexadecimal, as the API writes lock identities.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
