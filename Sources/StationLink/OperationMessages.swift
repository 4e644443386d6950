/// The station operations, each `POST` ``StationLink/operationPrefix`` + its raw value.
public enum StationOperation: String, Sendable, CaseIterable {
    /// State report every 30 s: ``HeartbeatRequest`` → ``HeartbeatResponse``.
    case heartbeat
    /// A docked key's report: ``SyncRequest`` → ``SyncResponse``.
    case sync
    /// A docked key's credential: ``ActivationRequest`` → ``ActivationResponse``.
    case activation
    /// Credentials for the coming shift: ``PrefetchRequest`` → ``PrefetchResponse``.
    case prefetch

    /// The path the operation is called at.
    public var path: String { StationLink.operationPrefix + rawValue }
}

/// Where the station's power comes from, as its hardware interface reports it.
public enum PowerSource: String, Codable, Sendable {
    case mains
    case battery
    case unknown
}

/// A station's state, sent every 30 seconds. Times are Unix milliseconds.
public struct HeartbeatRequest: Codable, Sendable, Equatable {
    /// Reports waiting to be delivered.
    public var queueDepth: Int
    /// Most reports the queue holds; the station warns at 80 %.
    public var queueCapacity: Int?
    /// When the oldest waiting report was queued; absent when the queue is empty.
    public var oldestQueuedAt: Int64?
    /// Waiting reports the server rejected, kept for an operator; absent from older stations.
    public var rejectedReports: Int?
    /// When a key last synced at the station.
    public var lastSyncAt: Int64?
    /// Mains or battery.
    public var power: PowerSource
    /// The station's own battery, 0...100, when it has one.
    public var batteryPercent: Int?
    /// The uplink in use, such as `wired` or `mobile`.
    public var uplink: String
    /// The station software's version.
    public var version: String

    /// A heartbeat from its parts.
    public init(
        queueDepth: Int, queueCapacity: Int? = nil, oldestQueuedAt: Int64? = nil, rejectedReports: Int? = nil,
        lastSyncAt: Int64? = nil, power: PowerSource, batteryPercent: Int? = nil, uplink: String, version: String
    ) {
        self.queueDepth = queueDepth
        self.queueCapacity = queueCapacity
        self.oldestQueuedAt = oldestQueuedAt
        self.rejectedReports = rejectedReports
        self.lastSyncAt = lastSyncAt
        self.power = power
        self.batteryPercent = batteryPercent
        self.uplink = uplink
        self.version = version
    }
}

/// The server's answer to a heartbeat.
public struct HeartbeatResponse: Codable, Sendable, Equatable {
    /// The server's clock, Unix milliseconds, so the station can notice its own drift.
    public var serverTime: Int64
    /// The newest revocation-list version; prefetch again when it is newer than the one held.
    public var revocationVersion: UInt32

    /// An answer from its parts.
    public init(serverTime: Int64, revocationVersion: UInt32) {
        self.serverTime = serverTime
        self.revocationVersion = revocationVersion
    }
}

/// A docked key's report. Protocol messages travel base64.
public struct SyncRequest: Codable, Sendable, Equatable {
    /// The serial printed on the key, as registered.
    public var keySerial: String
    /// The key's Ed25519 public key, bound to the serial at the key's first sync.
    public var keyPublicKey: String
    /// The station's SyncHello that the report answers.
    public var hello: String
    /// The key's signed SyncReport.
    public var report: String

    /// A request from its parts.
    public init(keySerial: String, keyPublicKey: String, hello: String, report: String) {
        self.keySerial = keySerial
        self.keyPublicKey = keyPublicKey
        self.hello = hello
        self.report = report
    }
}

/// The server's answer to a sync: the acknowledgement to hand to the key.
public struct SyncResponse: Codable, Sendable, Equatable {
    /// The issuer-signed EventAck, base64.
    public var ack: String
    /// The sequence the ack covers; 0 when the report held no entries.
    public var acknowledgedThrough: UInt32
    /// Entries stored now.
    public var stored: Int
    /// Entries the server already held.
    public var known: Int

    /// An answer from its parts.
    public init(ack: String, acknowledgedThrough: UInt32, stored: Int, known: Int) {
        self.ack = ack
        self.acknowledgedThrough = acknowledgedThrough
        self.stored = stored
        self.known = known
    }
}

/// A request for a docked key's credential for one shift. Times are Unix milliseconds.
public struct ActivationRequest: Codable, Sendable, Equatable {
    /// The key's serial.
    public var keySerial: String
    /// When the shift starts.
    public var shiftStart: Int64
    /// When it ends; 12 hours after the start when absent, at most 16.
    public var shiftEnd: Int64?
    /// The key's battery as the dock read it; the last report's when absent.
    public var batteryPercent: Int?

    /// A request from its parts.
    public init(keySerial: String, shiftStart: Int64, shiftEnd: Int64? = nil, batteryPercent: Int? = nil) {
        self.keySerial = keySerial
        self.shiftStart = shiftStart
        self.shiftEnd = shiftEnd
        self.batteryPercent = batteryPercent
    }
}

/// The answer to an activation request: a credential, or a refusal the employee sees.
public struct ActivationResponse: Codable, Sendable, Equatable {
    /// Whether the key is ready.
    public enum Result: String, Codable, Sendable {
        case ready
        case refused
    }

    /// Ready or refused.
    public var result: Result
    /// When ready: the Activation message, base64.
    public var activation: String?
    /// When ready: how many doors the key opens.
    public var doorCount: Int?
    /// When ready: the credential's last valid moment, Unix milliseconds.
    public var validUntil: Int64?
    /// When refused: why.
    public var reason: RefusalReason?
    /// When refused: whom the employee should contact.
    public var contact: RefusalContact?
    /// When refused: a sentence for the employee.
    public var message: String?

    /// A ready key.
    public static func ready(activation: String, doorCount: Int, validUntil: Int64) -> ActivationResponse {
        ActivationResponse(result: .ready, activation: activation, doorCount: doorCount, validUntil: validUntil)
    }

    /// A refused key, with the reason's contact.
    public static func refused(_ reason: RefusalReason, message: String) -> ActivationResponse {
        ActivationResponse(result: .refused, reason: reason, contact: reason.contact, message: message)
    }

    private init(
        result: Result, activation: String? = nil, doorCount: Int? = nil, validUntil: Int64? = nil,
        reason: RefusalReason? = nil, contact: RefusalContact? = nil, message: String? = nil
    ) {
        self.result = result
        self.activation = activation
        self.doorCount = doorCount
        self.validUntil = validUntil
        self.reason = reason
        self.contact = contact
        self.message = message
    }
}

/// A request for the coming shift's credentials. Times are Unix milliseconds.
public struct PrefetchRequest: Codable, Sendable, Equatable {
    /// When the shift starts.
    public var shiftStart: Int64
    /// When it ends, at most 16 hours later.
    public var shiftEnd: Int64

    /// A request from its parts.
    public init(shiftStart: Int64, shiftEnd: Int64) {
        self.shiftStart = shiftStart
        self.shiftEnd = shiftEnd
    }
}

/// Credentials for every active, assigned and enrolled key of the station's provider that has
/// doors in the shift, and the issuer's revocation lists.
public struct PrefetchResponse: Codable, Sendable, Equatable {
    /// One key's credential.
    public struct Item: Codable, Sendable, Equatable {
        /// The key's serial.
        public var keySerial: String
        /// The key's public key, base64, so the station can match a docked key.
        public var keyPublicKey: String
        /// The Activation message, base64.
        public var activation: String
        /// How many doors the key opens.
        public var doorCount: Int
        /// The credential's last valid moment, Unix milliseconds.
        public var validUntil: Int64

        /// An item from its parts.
        public init(keySerial: String, keyPublicKey: String, activation: String, doorCount: Int, validUntil: Int64) {
            self.keySerial = keySerial
            self.keyPublicKey = keyPublicKey
            self.activation = activation
            self.doorCount = doorCount
            self.validUntil = validUntil
        }
    }

    /// The credentials.
    public var activations: [Item]
    /// Signed revocation lists, base64, newest per issuer.
    public var revocationLists: [String]

    /// An answer from its parts.
    public init(activations: [Item], revocationLists: [String]) {
        self.activations = activations
        self.revocationLists = revocationLists
    }
}
