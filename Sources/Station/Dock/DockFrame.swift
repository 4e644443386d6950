/// One frame on the simulated dock's socket: `"PD"`, a kind byte, a little-endian `u32` payload
/// length, then the payload.
///
/// The socket is a byte stream, so frames give messages their boundaries, as the USB transfer or
/// contact protocol of a real dock would. The magic lets either side reject a stranger at once.
public struct DockFrame: Equatable, Sendable {
    /// What a frame carries.
    public enum Kind: UInt8, Sendable {
        /// Key → station, first: serial, public key, battery, whether anchors are installed.
        case keyHello = 0x01
        /// Station → key: trust anchors to install (first dock only).
        case trustAnchors = 0x02
        /// Key → station: the anchors were installed.
        case anchorsInstalled = 0x03
        /// Station → key: one protocol message (SyncHello, EventAck or Activation).
        case message = 0x04
        /// Key → station: the key's answer to a message.
        case reply = 0x05
        /// Key → station: the key rejected the message or the anchors; UTF-8 reason.
        case refusal = 0x06
        /// Station → key: the result to show; a ready flag and the UTF-8 line.
        case result = 0x07
        /// Either way: the sender gives up on the session; UTF-8 reason.
        case failure = 0x7F
    }

    /// Bytes before the payload.
    public static let headerLength = 7
    /// The largest payload accepted: a SyncReport of 512 entries of 4,096 bytes fits with room.
    public static let maxPayloadLength = 4 * 1024 * 1024
    static let magic: [UInt8] = [0x50, 0x44]

    /// The frame's kind.
    public var kind: Kind
    /// The payload.
    public var payload: [UInt8]

    /// A frame.
    public init(_ kind: Kind, _ payload: [UInt8] = []) {
        self.kind = kind
        self.payload = payload
    }

    /// A frame carrying UTF-8 text (refusals and failures).
    public init(_ kind: Kind, text: String) {
        self.init(kind, Array(text.utf8))
    }

    /// The payload read as UTF-8, for refusals and failures.
    public var text: String { String(decoding: payload, as: UTF8.self) }

    /// The frame's bytes.
    public var encoded: [UInt8] {
        precondition(payload.count <= Self.maxPayloadLength, "dock frame payload too large")
        var bytes = Self.magic
        bytes.append(kind.rawValue)
        let length = UInt32(payload.count)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        return bytes + payload
    }

    /// Reads a frame header and returns the kind and the payload length that follows.
    ///
    /// - Throws: ``DockFrameError`` for a wrong magic, an unknown kind or an oversized length.
    public static func header(_ bytes: [UInt8]) throws(DockFrameError) -> (kind: Kind, length: Int) {
        guard bytes.count == headerLength else { throw .truncated }
        guard Array(bytes[0..<2]) == magic else { throw .badMagic }
        guard let kind = Kind(rawValue: bytes[2]) else { throw .unknownKind(bytes[2]) }
        var length = 0
        for index in (3..<7).reversed() { length = length << 8 | Int(bytes[index]) }
        guard length <= maxPayloadLength else { throw .tooLarge(length) }
        return (kind, length)
    }

    /// Reads one whole frame from `bytes`, which must hold exactly one.
    public static func decode(_ bytes: [UInt8]) throws(DockFrameError) -> DockFrame {
        guard bytes.count >= headerLength else { throw .truncated }
        let (kind, length) = try header(Array(bytes[0..<headerLength]))
        guard bytes.count - headerLength == length else {
            throw bytes.count - headerLength < length ? .truncated : .trailingBytes
        }
        return DockFrame(kind, Array(bytes[headerLength...]))
    }
}

/// Why bytes on the dock socket are not a frame.
public enum DockFrameError: Error, Equatable, Sendable {
    /// The stream ended inside a frame.
    case truncated
    /// The frame does not start with `PD`: the peer is not a Portvakt dock or key.
    case badMagic
    /// The kind byte is not one this version knows.
    case unknownKind(UInt8)
    /// The announced payload is larger than ``DockFrame/maxPayloadLength``.
    case tooLarge(Int)
    /// Bytes follow the announced payload.
    case trailingBytes
    /// The frame is valid but not what the session expected at this point.
    case unexpected(DockFrame.Kind)
    /// The payload of a known kind does not decode; the text says which field.
    case badPayload(String)
}

extension DockFrameError: CustomStringConvertible {
    /// A sentence for logs and the peer.
    public var description: String {
        switch self {
        case .truncated: "the connection ended in the middle of a frame"
        case .badMagic: "the data does not start with a Portvakt dock frame; is this the right socket?"
        case .unknownKind(let kind): "unknown frame kind 0x\(String(kind, radix: 16))"
        case .tooLarge(let length):
            "a frame announced \(length) bytes, more than the \(DockFrame.maxPayloadLength) allowed"
        case .trailingBytes: "bytes follow the frame's announced payload"
        case .unexpected(let kind): "a frame of kind \(kind) arrived where the session did not expect it"
        case .badPayload(let field): "the frame's payload is malformed: \(field)"
        }
    }
}
