import CMicroHTTPD
import CMicroHTTPDShim
import Dispatch
import Observability

#if canImport(Glibc)
    import Glibc
#endif

/// Portvakt's HTTP server: GNU libmicrohttpd with an internal epoll thread pool, routing to
/// Swift handlers, with size and idle limits, an access log, metrics and graceful shutdown.
///
/// Handlers run synchronously on the worker threads. A handler that throws gets a problem
/// document and a log record; the server keeps serving. A Swift runtime trap (a broken
/// invariant) ends the process, so production runs it under a supervisor that restarts it
/// (see docs/operations.md).
public final class HTTPServer: @unchecked Sendable {
    // `@unchecked`: the daemon handle is libmicrohttpd's, which is safe to use from any thread.
    private let core: ServerCore
    private let daemon: OpaquePointer
    /// The port the server listens on; the bound one when configured with port 0.
    public let port: UInt16

    /// Starts listening and serving at once.
    /// - Throws: `HTTPServerError.cannotListen` when the address or port cannot be bound.
    public init(
        configuration: HTTPServerConfiguration, router: Router, logger: Logger, metrics: MetricsRegistry
    ) throws(HTTPServerError) {
        let core = ServerCore(router: router, configuration: configuration, logger: logger, metrics: metrics)
        let context = Unmanaged.passRetained(core).toOpaque()
        let started = configuration.host.withCString { host in
            var options = portvakt_mhd_options(
                bind_address: host, port: configuration.port, thread_pool_size: UInt32(max(1, configuration.threads)),
                connection_timeout: UInt32(max(1, configuration.idleTimeoutSeconds)),
                connection_limit: UInt32(configuration.maxConnections), connection_memory_limit: 32 * 1024,
                listen_backlog: 511)
            return portvakt_mhd_start(&options, mhdAccessHandler, context, mhdRequestCompleted, context)
        }
        guard let started else {
            Unmanaged<ServerCore>.fromOpaque(context).release()
            throw HTTPServerError.cannotListen(host: configuration.host, port: configuration.port)
        }
        self.core = core
        self.daemon = started
        self.port = portvakt_mhd_bound_port(started)
        logger.notice(
            "http server listening",
            [
                "http.host": .string(configuration.host), "http.port": .int(Int(port)),
                "http.threads": .int(configuration.threads),
            ])
    }

    /// Requests being handled right now.
    public var inFlight: Int { core.inFlight.load(ordering: .relaxed) }

    /// Stops accepting connections, lets in-flight requests finish (up to the configured grace
    /// period), then closes every connection and stops the worker threads.
    ///
    /// Call once; the server cannot be restarted.
    // Known limitation: a handler still running after the grace period cannot be interrupted,
    // so stopping the daemon waits for it; see docs/limitations.md.
    public func shutdown() {
        core.draining.store(true, ordering: .relaxed)
        let listener = MHD_quiesce_daemon(daemon)
        core.logger.notice("http server draining", ["http.in_flight": .int(inFlight)])

        let deadline =
            DispatchTime.now() + .nanoseconds(Int(core.configuration.shutdownGrace.components.seconds * 1_000_000_000))
        while inFlight > 0 && DispatchTime.now() < deadline {
            usleep(5_000)
        }
        let abandoned = inFlight
        MHD_stop_daemon(daemon)
        if listener >= 0 { close(listener) }
        Unmanaged.passUnretained(core).release()
        core.logger.notice("http server stopped", ["http.abandoned": .int(abandoned)])
    }

    /// Blocks until the process receives SIGTERM or SIGINT, then shuts down gracefully.
    public func runUntilSignalled() {
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        core.logger.notice("shutdown requested")
        shutdown()
        for source in sources { source.cancel() }
    }
}

/// Why the HTTP server could not start.
public enum HTTPServerError: Error, CustomStringConvertible {
    /// Binding failed: the port is taken, or the address is not one of this machine's.
    case cannotListen(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port):
            "cannot listen on \(host):\(port); is another process using the port, and is the address this machine's?"
        }
    }
}
