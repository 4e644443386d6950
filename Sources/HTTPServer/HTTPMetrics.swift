import Observability
import Synchronization

/// The server's request metrics: counts by route, method and status, and latency by route and
/// method. One lock and a small key per request keep recording cheap on the hot path.
final class HTTPMetrics: MetricFamily {
    static let requestsName = "portvakt_http_requests_total"
    static let durationName = "portvakt_http_request_duration_seconds"

    private struct Key: Hashable {
        let route: String
        let method: String
    }

    private struct Series {
        var statuses: [Int: UInt64] = [:]
        var latency = HistogramSeries(bounds: Histogram.latencyBuckets)

        mutating func record(status: Int, seconds: Double) {
            statuses[status, default: 0] += 1
            latency.observe(seconds)
        }
    }

    private let series = Mutex<[Key: Series]>([:])

    func record(route: String, method: String, status: Int, seconds: Double) {
        series.withLock { all in
            all[Key(route: route, method: method), default: Series()].record(status: status, seconds: seconds)
        }
    }

    func render(into output: inout String) {
        let snapshot = series.withLock { $0 }.sorted {
            ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method)
        }
        output += "# HELP \(Self.requestsName) HTTP requests answered, by route pattern, method and status.\n"
        output += "# TYPE \(Self.requestsName) counter\n"
        for (key, entry) in snapshot {
            for (status, count) in entry.statuses.sorted(by: { $0.key < $1.key }) {
                let labels = renderLabels(["route", "method", "status"], [key.route, key.method, String(status)])
                output += "\(Self.requestsName)\(labels) \(count)\n"
            }
        }
        output += "# HELP \(Self.durationName) Time from request start to response, by route pattern and method.\n"
        output += "# TYPE \(Self.durationName) histogram\n"
        for (key, entry) in snapshot {
            entry.latency.render(
                name: Self.durationName, labelNames: ["route", "method"], labels: [key.route, key.method],
                into: &output)
        }
    }
}
