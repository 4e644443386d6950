/// Reads fixed-width little-endian fields from untrusted bytes, never past the end.
///
/// Every read checks the remaining length first and throws ``WireError/truncated(offset:)``;
/// ``finish()`` rejects trailing bytes, so each message has exactly one valid length.
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var offset: Int

    /// Starts reading `bytes` at offset 0.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    /// The number of unread bytes.
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int) throws(WireError) -> Range<Int> {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset) }
        let range = offset..<offset + count
        offset += count
        return range
    }

    /// Reads one byte.
    public mutating func u8() throws(WireError) -> UInt8 {
        bytes[try take(1).lowerBound]
    }

    /// Reads a little-endian 16-bit unsigned integer.
    public mutating func u16() throws(WireError) -> UInt16 {
        let start = try take(2).lowerBound
        return UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8
    }

    /// Reads a little-endian 16-bit two's-complement integer.
    public mutating func i16() throws(WireError) -> Int16 {
        Int16(bitPattern: try u16())
    }

    /// Reads a little-endian 32-bit unsigned integer.
    public mutating func u32() throws(WireError) -> UInt32 {
        let range = try take(4)
        var value: UInt32 = 0
        for index in range.reversed() {
            value = value << 8 | UInt32(bytes[index])
        }
        return value
    }

    /// Reads a little-endian 64-bit unsigned integer.
    public mutating func u64() throws(WireError) -> UInt64 {
        let range = try take(8)
        var value: UInt64 = 0
        for index in range.reversed() {
            value = value << 8 | UInt64(bytes[index])
        }
        return value
    }

    /// Reads `count` raw bytes.
    public mutating func raw(_ count: Int) throws(WireError) -> [UInt8] {
        Array(bytes[try take(count)])
    }

    /// Reads `count` bytes that a canonical encoding requires to be zero.
    public mutating func reserved(_ count: Int) throws(WireError) {
        for index in try take(count) where bytes[index] != 0 {
            throw .invalidField(.reserved)
        }
    }

    /// The bytes from `start` up to the current offset, for signatures over a prefix.
    public func consumed(from start: Int) -> [UInt8] {
        Array(bytes[start..<offset])
    }

    /// Confirms that every byte was read.
    public func finish() throws(WireError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }
}
