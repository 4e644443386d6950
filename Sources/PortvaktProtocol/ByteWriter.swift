/// Appends fixed-width little-endian fields to a byte array.
///
/// Little-endian because the microcontrollers that run locks and keys are; a lock then reads
/// integers without swapping.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Starts an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func u8(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends a 16-bit unsigned integer, little-endian.
    public mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Appends a 16-bit signed integer in two's complement, little-endian.
    public mutating func i16(_ value: Int16) {
        u16(UInt16(bitPattern: value))
    }

    /// Appends a 32-bit unsigned integer, little-endian.
    public mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    /// Appends a 64-bit unsigned integer, little-endian.
    public mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Appends raw bytes.
    public mutating func raw(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
    }

    /// Appends `count` zero bytes, for reserved fields and unused slots.
    public mutating func zeros(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0, count: count))
    }
}
