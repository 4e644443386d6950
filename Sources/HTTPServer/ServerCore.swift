import Observability
import Synchronization

/// The state libmicrohttpd's C callbacks reach through their context pointer: routes, limits,
/// logging, metrics and the counters that graceful shutdown waits on.
final class ServerCore: Sendable {
    let router: Router
    let configuration: HTTPServerConfiguration
    let logger: Logger
    let metrics: HTTPMetrics
    let inFlight = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
    private let requestCounter = Atomic<UInt64>(0)
    private let idPrefix: String

    init(router: Router, configuration: HTTPServerConfiguration, logger: Logger, metrics: MetricsRegistry) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics.register(HTTPMetrics())
        idPrefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
    }

    /// A request identifier unique within this process and distinct across restarts.
    func nextRequestID() -> String {
        let number = requestCounter.wrappingAdd(1, ordering: .relaxed).newValue
        return idPrefix + "-" + String(number, radix: 16)
    }

    /// Routes the request, turns errors into problem documents, and adds the headers every
    /// response carries. Never throws: whatever a handler does, the client gets an answer.
    func respond(to request: HTTPRequest, elapsed: () -> Double) -> HTTPResponse {
        var request = request
        var route = "unmatched"
        var response: HTTPResponse
        switch router.match(request.method, request.path) {
        case .found(let match, let parameters):
            route = match.pattern
            request.parameters = parameters
            response = invoke(match.handler, request)
        case .methodNotAllowed(let allowed):
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            response = problemResponse(
                HTTPError(.methodNotAllowed, detail: "\(request.method) is not supported here; use \(list)"),
                request: request)
            response.headers.set("Allow", list)
        case .notFound:
            response = problemResponse(
                HTTPError(.notFound, detail: "there is no resource at this address"), request: request)
        }

        response.headers.add("X-Request-ID", request.id)
        if draining.load(ordering: .relaxed) {
            response.headers.set("Connection", "close")
        }

        let seconds = elapsed()
        metrics.record(route: route, method: request.method.rawValue, status: response.status.code, seconds: seconds)
        if logger.isEnabled(.info) {
            logger.info(
                "request",
                [
                    "http.method": .string(request.method.rawValue), "http.route": .string(route),
                    "http.status": .int(response.status.code),
                    "http.duration_us": .int(Int(seconds * 1e6)),
                    "http.request_id": .string(request.id), "http.response_bytes": .int(response.body.count),
                    "client.address": .string(request.remoteAddress),
                ])
        }
        return response
    }

    private func invoke(_ handler: HTTPHandler, _ request: HTTPRequest) -> HTTPResponse {
        do {
            return try handler(request)
        } catch let error as HTTPError {
            var response = problemResponse(error, request: request)
            for (name, value) in error.headers { response.headers.set(name, value) }
            return response
        } catch let error as any ProblemConvertible {
            if error.problem.status >= 500 {
                logger.error(
                    "request failed",
                    ["http.request_id": .string(request.id), "error.type": .string("\(type(of: error))")])
            }
            return problemResponse(error, request: request)
        } catch {
            logger.error(
                "handler threw an unexpected error",
                [
                    "http.request_id": .string(request.id), "error.type": .string("\(type(of: error))"),
                    "error.message": .string("\(error)"),
                ])
            let problem = HTTPError(
                .internalServerError,
                detail: "something went wrong on the server; if it keeps happening, report request \(request.id)")
            return problemResponse(problem, request: request)
        }
    }

    func problemResponse(_ error: any ProblemConvertible, request: HTTPRequest) -> HTTPResponse {
        var problem = error.problem
        problem.instance = "urn:portvakt:request:" + request.id
        let status = HTTPStatus(problem.status, problem.title)
        var response = (try? HTTPResponse.json(problem, status: status)) ?? HTTPResponse(status: status)
        response.headers.set("Content-Type", "application/problem+json")
        return response
    }
}
