import Foundation
import Observability
import Station
import StationLink

/// One provider's station: created by the central administrator over the API, enrolled with its
/// one-time code like `portvakt station enrol`, and running the real ``StationDaemon`` over the
/// sealed link, with a ``BenchDock`` in place of the dock hardware.
final class BenchStation: Sendable {
    let provider: String
    let identity: StationIdentity
    let dock = BenchDock()
    let api: JSONStationAPI
    private let daemon: StationDaemon
    private let store: StationStore

    /// Creates and enrols the station of `provider` in `directory`.
    init(provider: String, directory: String, server: ServerAddress, adminBearer: String) throws {
        self.provider = provider
        let client = HTTPClient(readTimeout: .seconds(300))
        let body = try JSONEncoder().encode(["name": "Office of \(provider)", "organisationID": provider])
        let created = try client.send(
            HTTPClientRequest(
                method: "POST", path: "/api/v1/stations",
                headers: [("Authorization", "Bearer \(adminBearer)"), ("Content-Type", "application/json")],
                body: Array(body)), to: server)
        guard created.status == 201,
            let answer = try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any],
            let code = answer["enrolmentCode"] as? String
        else {
            throw BenchError(
                "creating the station of \(provider) answered \(created.status): "
                    + String(decoding: created.body, as: UTF8.self))
        }

        store = try StationStore(directory: directory)
        identity = try StationEnrolment.enrol(
            code: code, addresses: [server], store: store, client: client, now: Self.now())
        let uplink = Uplink(addresses: [server], client: client)
        api = JSONStationAPI(transport: try LinkTransport(identity: identity, uplink: uplink, clock: Self.now))
        var settings = StationDaemon.Settings(softwareVersion: "bench")
        // A prefetch asks for every key of the provider; the benchmark measures it on its own
        // (``Rush/prefetchAll``) rather than letting timers fire in the middle of a rush.
        settings.prefetchInterval = .seconds(86_400)
        daemon = StationDaemon(
            store: store, identity: identity, api: api, dock: dock, settings: settings, logger: .disabled,
            clock: Self.now, uplinkInUse: { uplink.routeInUse })
    }

    /// Runs the daemon until the calling task is cancelled.
    func run() async {
        do {
            try await daemon.run()
        } catch {
            print("station of \(provider) stopped: \(error)")
        }
        store.close()
    }

    @Sendable static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
