/// Handles one request. Handlers run on the server's worker threads and may block briefly
/// (a database query); they throw to answer with a problem document.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Maps method and path to handlers, with `:name` segments as path parameters.
///
/// Literal segments win over parameters, so `/keys/lost` and `/keys/:id` can coexist.
public struct Router: Sendable {
    /// One registered route.
    public struct Route: Sendable {
        /// The method it answers.
        public let method: HTTPMethod
        /// The pattern as registered, such as `/api/v1/keys/:id`; also the metrics label.
        public let pattern: String
        /// Operation summary, for route listings and generated documentation.
        public let summary: String
        let handler: HTTPHandler
        let segments: [Segment]
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// The outcome of matching a request against the routes.
    public enum Match: Sendable {
        /// A route answers this method and path; the parameters hold the path's values.
        case found(Route, parameters: [String: String])
        /// The path exists, but not for this method; `allowed` lists the methods that do.
        case methodNotAllowed(allowed: [HTTPMethod])
        /// No route has this path.
        case notFound
    }

    /// Every route, in registration order.
    public private(set) var routes: [Route] = []
    /// Route indices by number of path segments, so matching looks only at routes that can fit.
    private var bySegmentCount: [Int: [Int]] = [:]
    /// Routes without parameters, by method and exact path: the common case needs one lookup.
    private var literal: [String: Int] = [:]

    /// Creates an empty router.
    public init() {}

    /// Registers a handler.
    /// - Precondition: no route with the same method and shape exists (a programming error).
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, summary: String = "", handler: @escaping HTTPHandler
    ) {
        let segments = Router.split(pattern).map { part -> Segment in
            part.hasPrefix(":") ? .parameter(String(part.dropFirst())) : .literal(String(part))
        }
        let shape = segments.map(Router.shape)
        precondition(
            !routes.contains { $0.method == method && $0.segments.map(Router.shape) == shape },
            "duplicate route \(method) \(pattern)")
        bySegmentCount[segments.count, default: []].append(routes.count)
        if !segments.contains(where: { if case .parameter = $0 { true } else { false } }) {
            literal[method.rawValue + " /" + segments.map(Router.shape).joined(separator: "/")] = routes.count
        }
        routes.append(Route(method: method, pattern: pattern, summary: summary, handler: handler, segments: segments))
    }

    /// Finds the route for `method` and `path`. HEAD is answered by GET routes.
    public func match(_ method: HTTPMethod, _ path: String) -> Match {
        if let index = literal[method.rawValue + " " + path] ?? (method == .head ? literal["GET " + path] : nil) {
            return .found(routes[index], parameters: [:])
        }
        let parts = Router.split(path)
        var best: (index: Int, literals: Int)?
        var allowed: [HTTPMethod] = []
        for index in bySegmentCount[parts.count] ?? [] {
            guard let literals = Router.literalsMatched(routes[index].segments, parts) else { continue }
            let routeMethod = routes[index].method
            if routeMethod == method || (method == .head && routeMethod == .get) {
                if literals > best?.literals ?? -1 { best = (index, literals) }
            } else if !allowed.contains(routeMethod) {
                allowed.append(routeMethod)
            }
        }
        if let best {
            let route = routes[best.index]
            var parameters: [String: String] = [:]
            for (segment, part) in zip(route.segments, parts) {
                if case .parameter(let name) = segment { parameters[name] = String(part) }
            }
            return .found(route, parameters: parameters)
        }
        if allowed.contains(.get) { allowed.append(.head) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// How many literal segments match, or `nil` when the route does not fit the path.
    private static func literalsMatched(_ segments: [Segment], _ parts: [Substring]) -> Int? {
        var literals = 0
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard text == part else { return nil }
                literals += 1
            case .parameter:
                guard !part.isEmpty else { return nil }
            }
        }
        return literals
    }

    private static func shape(_ segment: Segment) -> String {
        if case .literal(let text) = segment { text } else { ":" }
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
