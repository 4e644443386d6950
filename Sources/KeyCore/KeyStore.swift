import PortvaktProtocol

/// The key's persistent state: its activation, counters and the events it carries.
///
/// Entries are removed only through ``removeUploads(through:)``, which the core calls only after a
/// signed acknowledgement from the issuer.
public protocol KeyStore {
    /// The current activation, if any.
    var activation: Activation? { get set }
    /// Small fixed-size state.
    var state: KeyState { get set }
    /// Most upload entries the key can hold.
    var uploadCapacity: Int { get }
    /// Stored entries, oldest first.
    var uploads: [UploadEntry] { get }
    /// Appends an entry; the core checks capacity first.
    mutating func appendUpload(_ entry: UploadEntry)
    /// Removes every entry with a sequence number up to and including `sequence`.
    mutating func removeUploads(through sequence: UInt32)
}

/// The key's fixed-size persistent state.
public struct KeyState: Equatable, Sendable {
    /// Counter for the next own event.
    public var nextEventCounter: UInt64 = 1
    /// Sequence number for the next upload entry.
    public var nextSequence: UInt32 = 1
    /// Own events not recorded because the store was full, not yet written as a gap record.
    public var lostOwnEvents: UInt32 = 0

    /// A fresh key's state.
    public init() {}
}

/// A key store in RAM, for tests, simulations and the benchmark.
public struct InMemoryKeyStore: KeyStore {
    /// See ``KeyStore/activation``.
    public var activation: Activation?
    /// See ``KeyStore/state``.
    public var state = KeyState()
    /// See ``KeyStore/uploadCapacity``.
    public let uploadCapacity: Int
    /// See ``KeyStore/uploads``.
    public private(set) var uploads: [UploadEntry] = []

    /// An empty store; 4,096 entries by default, the protocol's stated minimum for a key.
    public init(uploadCapacity: Int = 4_096) {
        self.uploadCapacity = uploadCapacity
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
}

/// The key's clock, set from signed times at sync.
public protocol KeyClock {
    /// Unix seconds.
    func unixTime() -> UInt64
}
