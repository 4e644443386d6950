import Configuration
import Dispatch
import Foundation
import Observability
import PortvaktServer
import Station
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `portvakt station`: enrols, runs and inspects a sync station (docs/station.md).
enum StationCommand: Command {
    static let name = "station"
    static let summary = "enrol, run or inspect a sync station"
    static let usage = """
        usage: portvakt station enrol --state DIR --server URL [--server URL ...] --code CODE
               portvakt station run --state DIR [--server URL ...] [--config FILE] [--log-level LEVEL]
               portvakt station status --state DIR
               portvakt station retry-rejected --state DIR [--id N]
               portvakt station discard-rejected --state DIR --id N

        enrol   makes the station's key pair in DIR and enrols it with the one-time code an
                administrator got from POST /api/v1/stations. The code never leaves the station;
                the server must prove it knows it before anything is stored.
        run     runs the station until SIGTERM or SIGINT: heartbeats, prefetched activations,
                keys docked at DIR/dock.sock (see 'portvakt key dock'), and queued reports
                forwarded when the server is back.
        status  prints the station's identity, servers, queue and last contact, and each report
                the server rejected, with its number and the server's reason.
        retry-rejected
                puts the rejected reports (or only report N) back in line; a running station sends
                them within seconds.
        discard-rejected
                deletes rejected report N for good; its entries reach the server only if its key
                still holds them (see docs/station.md).

        options:
          --state DIR        the station's state directory (created 0700; holds station.sqlite)
          --server URL       a server address, http://host[:port]; repeat for fallbacks, tried in order
          --code CODE        the enrolment code, as shown (dashes and case do not matter)
          --id N             a queued report's number, as status shows it
          --config FILE      read station settings from FILE (key = value lines; see docs/configuration.md)
          --log-level LEVEL  trace, debug, info, notice, warning, error or critical (log.level)

        Settings can also be given as environment variables, such as PORTVAKT_STATION_SERVERS.
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        guard let action = arguments.first else {
            throw UsageError("say enrol, run, status, retry-rejected or discard-rejected")
        }
        let parsed = try CommandLineArguments(
            Array(arguments.dropFirst()), valued: ["state", "server", "code", "config", "log-level", "id"], switches: []
        )
        guard let state = parsed.values["state"], !state.isEmpty else { throw UsageError("--state is required") }
        var overrides: [String: String] = [:]
        if let level = parsed.values["log-level"] { overrides["log.level"] = level }
        let configuration = try Configuration(
            settings: StationSettings.all, file: parsed.values["config"], overrides: overrides)
        let flagServers = try (parsed.repeated["server"] ?? []).map(address)
        let servers = flagServers.isEmpty ? try StationSettings.servers(configuration) : flagServers
        if action != "enrol" && action != "run", !FileManager.default.fileExists(atPath: state) {
            console.print("no station state in \(state)")
            return ExitCode.failure
        }
        let logger = Logger(
            label: "station", level: LogLevel(name: configuration.text("log.level") ?? "info") ?? .info)
        let store = try StationStore(
            directory: state, queueLimits: QueueLimits(maxReports: configuration.integer("station.queue_limit")),
            logger: logger)
        defer { store.close() }

        switch action {
        case "enrol":
            guard let code = parsed.values["code"] else { throw UsageError("--code is required") }
            guard let servers else { throw UsageError("--server is required") }
            let identity = try StationEnrolment.enrol(
                code: code, addresses: servers, store: store, client: client(configuration),
                now: WallTime.now().millisecondsSinceEpoch)
            console.print("enrolled: station \(identity.stationID) of \(identity.organisationID)")
            console.print("start it with: portvakt station run --state \(state)")
            return ExitCode.success
        case "run":
            return try runDaemon(
                store: store, servers: servers, configuration: configuration, logger: logger, console: console)
        case "status":
            try printStatus(store, console: console)
            return ExitCode.success
        case "retry-rejected":
            return try retryRejected(store, id: try reportID(parsed.values["id"], required: false), console: console)
        case "discard-rejected":
            return try discardRejected(store, id: try reportID(parsed.values["id"], required: true), console: console)
        default:
            throw UsageError(
                "unknown station action '\(action)'; say enrol, run, status, retry-rejected or discard-rejected")
        }
    }

    /// A `--server` value; a malformed one is a usage mistake.
    private static func address(_ text: String) throws(UsageError) -> ServerAddress {
        do {
            return try ServerAddress(parsing: text)
        } catch {
            throw UsageError(error.message)
        }
    }

    private static func client(_ configuration: Configuration) -> HTTPClient {
        HTTPClient(
            connectTimeout: .seconds(configuration.integer("station.connect_timeout_seconds")),
            readTimeout: .seconds(configuration.integer("station.read_timeout_seconds")),
            userAgent: "portvakt-station/\(PortvaktVersion.current)")
    }

    private static func runDaemon(
        store: StationStore, servers: [ServerAddress]?, configuration: Configuration, logger: Logger,
        console: Console
    ) throws -> Int32 {
        guard let identity = try store.identity() else {
            console.error("portvakt station: this station is not enrolled; run 'portvakt station enrol' first")
            return ExitCode.configuration
        }
        if let servers {
            try store.setServerAddresses(servers)
            logger.notice(
                "server addresses set", ["station.servers": .string(servers.map(\.description).joined(separator: ","))])
        }
        let addresses = try store.serverAddresses()
        guard !addresses.isEmpty else {
            console.error("portvakt station: no server address; give --server URL")
            return ExitCode.configuration
        }

        let uplink = Uplink(addresses: addresses, client: client(configuration), logger: logger.child(label: "uplink"))
        let clock: @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
        let api = JSONStationAPI(transport: try LinkTransport(identity: identity, uplink: uplink, clock: clock))
        let dock = try SimulatedDock(directory: store.directory, logger: logger.child(label: "dock"))
        defer { dock.close() }
        var settings = StationDaemon.Settings(softwareVersion: PortvaktVersion.current)
        settings.heartbeatInterval = .seconds(configuration.integer("station.heartbeat_seconds"))
        settings.prefetchInterval = .seconds(configuration.integer("station.prefetch_seconds"))
        settings.prefetchWindowSeconds = Int64(configuration.integer("station.prefetch_window_hours")) * 3_600
        let daemon = StationDaemon(
            store: store, identity: identity, api: api, dock: dock, settings: settings, logger: logger, clock: clock,
            uplinkInUse: { uplink.routeInUse })

        try runUntilSignalled(daemon, logger: logger)
        return ExitCode.success
    }

    /// Runs the daemon until SIGTERM or SIGINT cancels it, and waits for it to finish.
    private static func runUntilSignalled(_ daemon: StationDaemon, logger: Logger) throws {
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<(any Error)?>(nil)
        let task = Task {
            do {
                try await daemon.run()
            } catch {
                outcome.withLock { $0 = error }
            }
            finished.signal()
        }
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                logger.notice("station stopping", ["signal": .int(Int(signalNumber))])
                task.cancel()
            }
            source.resume()
            sources.append(source)
        }
        finished.wait()
        for source in sources { source.cancel() }
        if let error = outcome.withLock({ $0 }) { throw error }
    }

    static func time(_ milliseconds: Int64?) -> String {
        milliseconds.map { WallTime(millisecondsSinceEpoch: $0).iso8601 } ?? "never"
    }
}
