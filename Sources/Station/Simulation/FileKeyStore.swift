import Crypto
import KeyCore
import PortvaktProtocol

/// A simulated key's whole persistent state in one file: its identity (serial, private key
/// seed), trust anchors, battery, and the ``KeyStore`` contents (activation, counters, carried
/// entries).
///
/// ``KeyCore`` changes the store in memory; ``save()`` writes it through ``AtomicFile`` after each
/// step the key completes, so a crash loses at most the step in progress, and a file is always
/// either the state before a step or after it. The format (all integers little-endian):
///
/// ```
/// "PVKEYSIM" 8 | format u8 = 1 | serial length u8 | serial | seed 32 | battery % u8 | mV u16
/// | anchor count u8 | anchors (as in the dock's anchor frame) | nextEventCounter u64
/// | nextSequence u32 | lostOwnEvents u32 | capacity u32 | activation length u32 | activation
/// | entry count u32 | entries (sequence u32, kind u8, length u16, bytes) | BLAKE2b-256 of all before
/// ```
public struct FileKeyStore: KeyStore, Sendable {
    /// Where the state lives.
    public let path: String
    /// The key's serial.
    public let serial: String
    /// The seed of the key's Ed25519 private key: on a real key this never leaves its secure element.
    let seed: [UInt8]
    /// The issuer keys the key trusts; empty until its first dock.
    public var trustAnchors: [TrustAnchor]
    /// The battery level this simulated key reports.
    public var battery: BatteryReading
    /// See ``KeyStore/activation``.
    public var activation: Activation?
    /// See ``KeyStore/state``.
    public var state: KeyState
    /// See ``KeyStore/uploadCapacity``.
    public let uploadCapacity: Int
    /// See ``KeyStore/uploads``.
    public private(set) var uploads: [UploadEntry]

    static let magic = Array("PVKEYSIM".utf8)
    static let format: UInt8 = 1

    /// Opens the key at `path`, or creates it there with a fresh key pair and `serial` when the
    /// file does not exist.
    ///
    /// - Throws: ``KeyFileError`` when the file is damaged or belongs to another serial, or cannot
    ///   be written.
    public static func openOrCreate(
        path: String, serial: String?, battery: BatteryReading? = nil, uploadCapacity: Int = 4_096
    ) throws(KeyFileError) -> FileKeyStore {
        let existing: [UInt8]?
        do {
            existing = try AtomicFile.read(path)
        } catch {
            throw .io(error.description)
        }
        if let existing {
            var store = try decode(existing, path: path)
            if let serial, serial != store.serial { throw .serialMismatch(path: path, stored: store.serial) }
            if let battery { store.battery = battery }
            return store
        }
        guard let serial else { throw .missingSerial(path: path) }
        guard (1...KeyHelloPayload.maxSerialLength).contains(serial.utf8.count),
            serial.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { throw .invalidSerial(serial) }
        let store = FileKeyStore(
            path: path, serial: serial, seed: RandomBytes.generate(Ed25519.seedLength), trustAnchors: [],
            battery: battery ?? BatteryReading(percent: 80, millivolts: 3_900), activation: nil, state: KeyState(),
            uploadCapacity: uploadCapacity, uploads: [])
        try store.save()
        return store
    }

    /// The key's private key, for its signer.
    func privateKey() throws(KeyFileError) -> Ed25519.PrivateKey {
        do {
            return try Ed25519.PrivateKey(seed: seed)
        } catch {
            throw .damaged(path: path, reason: "the private key seed is invalid")
        }
    }

    /// Writes the whole state atomically.
    public func save() throws(KeyFileError) {
        do {
            try AtomicFile.write(encoded, to: path)
        } catch {
            throw .io(error.description)
        }
    }

    /// See ``KeyStore/appendUpload(_:)``.
    public mutating func appendUpload(_ entry: UploadEntry) {
        precondition(uploads.count < uploadCapacity, "the core checks capacity before appending")
        uploads.append(entry)
    }

    /// See ``KeyStore/removeUploads(through:)``.
    public mutating func removeUploads(through sequence: UInt32) {
        uploads.removeAll { $0.sequence <= sequence }
    }

    /// The file's bytes.
    var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u8(Self.format)
        let serialBytes = Array(serial.utf8)
        writer.u8(UInt8(serialBytes.count))
        writer.raw(serialBytes)
        writer.raw(seed)
        writer.u8(battery.percent)
        writer.u16(battery.millivolts)
        writer.u8(UInt8(trustAnchors.count))
        if !trustAnchors.isEmpty { writer.raw(Array(TrustAnchorsPayload.encode(trustAnchors).dropFirst())) }
        writer.u64(state.nextEventCounter)
        writer.u32(state.nextSequence)
        writer.u32(state.lostOwnEvents)
        writer.u32(UInt32(uploadCapacity))
        let activationBytes = activation?.encoded ?? []
        writer.u32(UInt32(activationBytes.count))
        writer.raw(activationBytes)
        writer.u32(UInt32(uploads.count))
        for entry in uploads {
            writer.u32(entry.sequence)
            writer.u8(entry.kind.rawValue)
            writer.u16(UInt16(entry.sealed.count))
            writer.raw(entry.sealed)
        }
        return writer.bytes + Blake2b.hash(writer.bytes)
    }

    /// Reads a key file, refusing anything whose checksum does not match.
    static func decode(_ bytes: [UInt8], path: String) throws(KeyFileError) -> FileKeyStore {
        let digestLength = Blake2b.digestLength
        guard bytes.count > magic.count + digestLength, Array(bytes.prefix(magic.count)) == magic else {
            throw .damaged(path: path, reason: "it is not a Portvakt simulated key file")
        }
        let body = Array(bytes.dropLast(digestLength))
        guard Blake2b.hash(body) == Array(bytes.suffix(digestLength)) else {
            throw .damaged(path: path, reason: "its checksum does not match")
        }
        do {
            var reader = ByteReader(body)
            _ = try reader.raw(magic.count)
            guard try reader.u8() == format else { throw KeyFileError.damaged(path: path, reason: "unknown format") }
            let serial = String(decoding: try reader.raw(Int(try reader.u8())), as: UTF8.self)
            let seed = try reader.raw(Ed25519.seedLength)
            let battery = BatteryReading(percent: try reader.u8(), millivolts: try reader.u16())
            let anchorCount = Int(try reader.u8())
            let anchorBytes = try reader.raw(anchorCount * (4 + FieldLength.issuerKeyID + FieldLength.publicKey + 16))
            let anchors = anchorCount == 0 ? [] : try TrustAnchorsPayload.decode([UInt8(anchorCount)] + anchorBytes)
            var state = KeyState()
            state.nextEventCounter = try reader.u64()
            state.nextSequence = try reader.u32()
            state.lostOwnEvents = try reader.u32()
            let capacity = Int(try reader.u32())
            let activationLength = Int(try reader.u32())
            let activation = activationLength == 0 ? nil : try Activation.decode(try reader.raw(activationLength))
            var uploads: [UploadEntry] = []
            for _ in 0..<Int(try reader.u32()) {
                let sequence = try reader.u32()
                guard let kind = UploadEntry.Kind(rawValue: try reader.u8()) else {
                    throw KeyFileError.damaged(path: path, reason: "unknown entry kind")
                }
                uploads.append(
                    UploadEntry(sequence: sequence, kind: kind, sealed: try reader.raw(Int(try reader.u16()))))
            }
            try reader.finish()
            return FileKeyStore(
                path: path, serial: serial, seed: seed, trustAnchors: anchors, battery: battery,
                activation: activation, state: state, uploadCapacity: capacity, uploads: uploads)
        } catch let error as KeyFileError {
            throw error
        } catch {
            throw .damaged(path: path, reason: "\(error)")
        }
    }
}

/// Why a simulated key's file could not be used.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file exists but cannot be read as a key.
    case damaged(path: String, reason: String)
    /// The file belongs to a key with another serial.
    case serialMismatch(path: String, stored: String)
    /// A new key needs a serial.
    case missingSerial(path: String)
    /// The serial is empty, too long or contains spaces or control characters.
    case invalidSerial(String)
    /// Reading or writing failed.
    case io(String)

    /// A sentence for the command line.
    public var description: String {
        switch self {
        case .damaged(let path, let reason):
            "the key file \(path) is damaged (\(reason)); restore it from a copy, or use a new file for a new key"
        case .serialMismatch(let path, let stored):
            "the key file \(path) holds key \(stored); leave out --serial or use another file"
        case .missingSerial(let path):
            "\(path) does not exist yet; give --serial SERIAL to create a new key there"
        case .invalidSerial(let serial):
            "the serial '\(serial)' must be 1 to 64 printable characters without spaces"
        case .io(let reason): reason
        }
    }
}
