import Observability

/// The server's request metrics: counts by route, method and status, and latency by route.
struct HTTPMetrics: Sendable {
    let requests: Counter
    let duration: Histogram

    init(registry: MetricsRegistry) {
        requests = registry.counter(
            "portvakt_http_requests_total", help: "HTTP requests answered, by route pattern, method and status.",
            labels: ["route", "method", "status"])
        duration = registry.histogram(
            "portvakt_http_request_duration_seconds", help: "Time from request start to response, by route pattern.",
            labels: ["route", "method"], buckets: Histogram.latencyBuckets)
    }

    func record(route: String, method: String, status: Int, seconds: Double) {
        requests.increment([route, method, String(status)])
        duration.observe(seconds, [route, method])
    }
}
