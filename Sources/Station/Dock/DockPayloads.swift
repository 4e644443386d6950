import KeyCore
import PortvaktProtocol

/// The first frame a simulated key sends: who it is and how its battery stands.
///
/// Payload: `serial length u8` (1–64), serial (UTF-8), public key 32, battery percent `u8`
/// (0–100), battery millivolts `u16`, flags `u8` (bit 0: trust anchors installed; others zero).
public struct KeyHelloPayload: Equatable, Sendable {
    /// The key's serial.
    public var serial: String
    /// The key's Ed25519 public key.
    public var publicKey: [UInt8]
    /// The key's battery reading.
    public var battery: BatteryReading
    /// Whether the key holds trust anchors.
    public var hasTrustAnchors: Bool

    /// A hello from its fields.
    public init(serial: String, publicKey: [UInt8], battery: BatteryReading, hasTrustAnchors: Bool) {
        self.serial = serial
        self.publicKey = publicKey
        self.battery = battery
        self.hasTrustAnchors = hasTrustAnchors
    }

    /// The longest serial accepted.
    public static let maxSerialLength = 64

    /// The payload bytes.
    public var encoded: [UInt8] {
        let serialBytes = Array(serial.utf8)
        precondition((1...Self.maxSerialLength).contains(serialBytes.count), "serial length out of range")
        var writer = ByteWriter()
        writer.u8(UInt8(serialBytes.count))
        writer.raw(serialBytes)
        writer.raw(publicKey)
        writer.u8(battery.percent)
        writer.u16(battery.millivolts)
        writer.u8(hasTrustAnchors ? 1 : 0)
        return writer.bytes
    }

    /// Reads a hello payload.
    public static func decode(_ bytes: [UInt8]) throws(DockFrameError) -> KeyHelloPayload {
        do {
            var reader = ByteReader(bytes)
            let length = Int(try reader.u8())
            guard (1...maxSerialLength).contains(length) else { throw DockFrameError.badPayload("serial length") }
            guard let serial = String(validating: try reader.raw(length), as: UTF8.self),
                serial.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
            else { throw DockFrameError.badPayload("serial must be printable UTF-8 without spaces") }
            let publicKey = try reader.raw(FieldLength.publicKey)
            let percent = try reader.u8()
            guard percent <= 100 else { throw DockFrameError.badPayload("battery percent above 100") }
            let millivolts = try reader.u16()
            let flags = try reader.u8()
            guard flags & 0xFE == 0 else { throw DockFrameError.badPayload("unknown flags") }
            try reader.finish()
            return KeyHelloPayload(
                serial: serial, publicKey: publicKey, battery: BatteryReading(percent: percent, millivolts: millivolts),
                hasTrustAnchors: flags == 1)
        } catch let error as DockFrameError {
            throw error
        } catch {
            throw .badPayload("key hello: \(error)")
        }
    }
}

/// Trust anchors for a key's first dock: `count u8` (1–8), then per anchor `issuerID u32`,
/// `issuerKeyID 8`, public key 32, `notBefore u64`, `notAfter u64`.
public enum TrustAnchorsPayload {
    /// The most anchors a key takes, as many as a lock.
    public static let maxCount = 8

    /// The payload bytes.
    public static func encode(_ anchors: [TrustAnchor]) -> [UInt8] {
        precondition((1...maxCount).contains(anchors.count), "anchor count out of range")
        var writer = ByteWriter()
        writer.u8(UInt8(anchors.count))
        for anchor in anchors {
            writer.u32(anchor.issuerID)
            writer.raw(anchor.keyID.bytes)
            writer.raw(anchor.publicKey)
            writer.u64(anchor.notBefore)
            writer.u64(anchor.notAfter)
        }
        return writer.bytes
    }

    /// Reads anchors.
    public static func decode(_ bytes: [UInt8]) throws(DockFrameError) -> [TrustAnchor] {
        do {
            var reader = ByteReader(bytes)
            let count = Int(try reader.u8())
            guard (1...maxCount).contains(count) else { throw DockFrameError.badPayload("anchor count") }
            var anchors: [TrustAnchor] = []
            for _ in 0..<count {
                let issuerID = try reader.u32()
                let keyID = try reader.issuerKeyID()
                let publicKey = try reader.raw(FieldLength.publicKey)
                let notBefore = try reader.u64()
                let notAfter = try reader.u64()
                guard notBefore <= notAfter else { throw DockFrameError.badPayload("anchor window") }
                anchors.append(
                    TrustAnchor(
                        issuerID: issuerID, keyID: keyID, publicKey: publicKey, notBefore: notBefore,
                        notAfter: notAfter))
            }
            try reader.finish()
            return anchors
        } catch let error as DockFrameError {
            throw error
        } catch {
            throw .badPayload("trust anchors: \(error)")
        }
    }
}

/// The result frame: `ready u8` (0 or 1) then the UTF-8 line to show.
public struct ResultPayload: Equatable, Sendable {
    /// Whether the key is ready.
    public var ready: Bool
    /// The line to show.
    public var line: String

    /// A result.
    public init(ready: Bool, line: String) {
        self.ready = ready
        self.line = line
    }

    /// The payload bytes.
    public var encoded: [UInt8] { [ready ? 1 : 0] + Array(line.utf8) }

    /// Reads a result.
    public static func decode(_ bytes: [UInt8]) throws(DockFrameError) -> ResultPayload {
        guard let flag = bytes.first, flag <= 1 else { throw .badPayload("result flag") }
        guard let line = String(validating: bytes.dropFirst(), as: UTF8.self) else {
            throw .badPayload("result text is not UTF-8")
        }
        return ResultPayload(ready: flag == 1, line: line)
    }
}
