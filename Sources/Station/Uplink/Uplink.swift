import Observability
import Synchronization

/// The station's way to the server over several addresses, tried in the configured order (for
/// example the wired uplink first and mobile data second) on every request, so the first route
/// is used again as soon as it recovers.
///
/// An address that cannot be connected to, times out, or answers through a proxy with 502, 503
/// or 504 (the route works but the server behind it does not) is skipped for the next.
public final class Uplink: Sendable {
    /// The addresses, in order of preference.
    public let addresses: [ServerAddress]
    private let client: HTTPClient
    private let logger: Logger
    private let lastUsed = Mutex<ServerAddress?>(nil)

    /// An uplink over `addresses`.
    ///
    /// - Precondition: at least one address.
    public init(addresses: [ServerAddress], client: HTTPClient = HTTPClient(), logger: Logger = .disabled) {
        precondition(!addresses.isEmpty, "an uplink needs at least one server address")
        self.addresses = addresses
        self.client = client
        self.logger = logger
    }

    /// The address that answered last, for status.
    public var addressInUse: ServerAddress? { lastUsed.withLock { $0 } }

    /// The route in use as heartbeats name it, at most 40 characters: its place in the list and
    /// its host, such as `2 of 2: 192.0.2.7:8080`; `none` before any address has answered.
    public var routeInUse: String {
        guard let address = addressInUse, let index = addresses.firstIndex(of: address) else { return "none" }
        return String("\(index + 1) of \(addresses.count): \(address.hostHeader)".prefix(40))
    }

    /// Sends `request` to the first address that answers.
    ///
    /// - Throws: ``StationError`` with code `.unreachable` naming each address's failure when none
    ///   answered.
    public func send(_ request: HTTPClientRequest) throws(StationError) -> HTTPClientResponse {
        try exchange { () throws(StationError) in (request, ()) }.response
    }

    /// Sends a request made afresh for each address tried, and returns the first answer with the
    /// context its request was made with. The station link seals every attempt anew, since a
    /// sealed request may be used only once.
    public func exchange<Context>(
        _ prepare: () throws(StationError) -> (HTTPClientRequest, Context)
    ) throws(StationError) -> (response: HTTPClientResponse, context: Context) {
        var failures: [String] = []
        for address in addresses {
            let (request, context) = try prepare()
            do {
                let response = try client.send(request, to: address)
                if [502, 503, 504].contains(response.status) {
                    failures.append("\(address): HTTP \(response.status)")
                    continue
                }
                let previous = lastUsed.withLock { last in
                    defer { last = address }
                    return last
                }
                if previous != address {
                    logger.notice("uplink in use", ["uplink.address": .string(address.description)])
                }
                return (response, context)
            } catch {
                logger.info(
                    "uplink address failed",
                    ["uplink.address": .string(address.description), "uplink.error": .string(error.description)])
                failures.append(error.description)
            }
        }
        throw StationError(.unreachable, "no server address answered", cause: failures.joined(separator: "; "))
    }
}
