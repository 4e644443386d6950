import PortvaktProtocol
import Storage

/// One door event as the event log shows it: either a lock's record or a key's own.
public struct DoorEvent: Equatable, Sendable {
    /// Whose log the event comes from.
    public enum Source: String, Sendable, CaseIterable {
        /// The lock's log, carried up in sealed batches: the authoritative record of the door.
        case lock
        /// The key's own log: what the key saw, sealed by the key as it happened.
        case key
    }

    /// Whose log it comes from.
    public var source: Source
    /// The row's id in its log, for the page cursor.
    public var id: Int64
    /// The lock (32 hexadecimal characters).
    public var lockID: String
    /// The lock's counter for a lock event; the key's own counter for a key event.
    public var counter: Int64
    /// When it happened by the lock's (or the key's) time, in milliseconds since the epoch.
    public var time: Int64
    /// What happened: `opened`, `refused`, `revocation_installed`, `clock_behind_floor` for a
    /// lock; `passage`, `refused_by_lock`, `no_permission`, `gap` for a key.
    public var kind: String
    /// The protocol's reason code by name (`granted`, `revoked`, ...), see docs/protocol.md §6.
    public var reason: String
    /// The kind's detail number: issuer id, list version or seconds behind for a lock event;
    /// the lock's counter, or the number of events lost, for a key event.
    public var detail: Int64
    /// The server's id of the key concerned, when known.
    public var keyID: Int64?
    /// The protocol identity of the key a lock named (32 hexadecimal characters), when it named one.
    public var keyIdentity: String?
    /// Whether the event is confirmed: for a lock event, that it links through the lock's hash
    /// chain back to the lock's first event; a lock event above that chain came in a batch
    /// nothing vouches for yet, so its time, kind and key may be forged. A key event is signed
    /// by its key and always confirmed.
    public var confirmed: Bool

    /// Every value ``kind`` takes, the lock's kinds first.
    public static let kinds = [
        "opened", "refused", "revocation_installed", "clock_behind_floor", "passage", "refused_by_lock",
        "no_permission", "gap",
    ]

    /// Every value ``reason`` takes: the protocol's reason codes by name, and `unknown` for a
    /// code this build does not know.
    public static let reasons = ReasonCode.allCases.map { "\($0)" } + ["unknown"]

    init(source: Source, _ row: SQLRow) throws {
        self.source = source
        self.id = try row.integer("id")
        self.lockID = try row.text("lock_id")
        self.counter = try row.integer("counter")
        self.time = try row.integer("happened_at")
        self.kind = try row.text("kind")
        let code = try row.integer("reason")
        self.reason = UInt8(exactly: code).flatMap(ReasonCode.init(rawValue:)).map { "\($0)" } ?? "unknown"
        self.detail = try row.integer("detail")
        self.keyID = try row.optionalInteger("key_id")
        self.confirmed = try row.integer("confirmed") != 0
        self.keyIdentity = row["key_identity"].flatMap { value in
            if case .blob(let bytes) = value { LockIdentity.hex(bytes) } else { nil }
        }
    }
}

/// Who is asking, which bounds the events they see.
public enum EventScope: Equatable, Sendable {
    /// The central unit: every event, also those no known key caused.
    case everything
    /// A care provider: only events caused by its own keys, on any lock, shared entrances too.
    case provider(String)

    var providerID: String? {
        if case .provider(let id) = self { id } else { nil }
    }
}

/// A position in the list of door events: the time and id of the last event of a page.
public struct DoorEventCursor: Equatable, Sendable {
    /// The event's time, in milliseconds since the epoch.
    public var time: Int64
    /// The event's id.
    public var id: Int64

    /// A cursor just after the event at `time` with `id`.
    public init(time: Int64, id: Int64) {
        self.time = time
        self.id = id
    }

    /// The cursor just after `event`.
    public init(after event: DoorEvent) {
        self.init(time: event.time, id: event.id)
    }

    /// Reads the text form, `time.id`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let time = Int64(parts[0]), let id = Int64(parts[1])
        else { return nil }
        self.init(time: time, id: id)
    }

    /// The text form, `time.id`.
    public var text: String { "\(time).\(id)" }
}

/// Which door events to list, and from where in the list.
public struct DoorEventFilter: Equatable, Sendable {
    /// Whose log to read.
    public var source: DoorEvent.Source = .lock
    /// Only this lock (32 lowercase hexadecimal characters).
    public var lockID: String?
    /// Only events of this key (the server's id).
    public var keyID: Int64?
    /// Only events at or after this time (milliseconds since the epoch).
    public var from: Int64?
    /// Only events before this time (milliseconds since the epoch).
    public var to: Int64?
    /// Only events after this position.
    public var after: DoorEventCursor?
    /// The most events to return.
    public var limit: Int = 100

    /// A filter that matches every event of the lock log.
    public init() {}
}
