import Synchronization

/// Holds the process's metrics and renders them in the Prometheus text exposition format.
///
/// Families are registered once at start-up; recording then takes one short lock per family.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[any MetricFamily]>([])

    public init() {}

    /// Registers a counter family.
    /// - Parameters:
    ///   - name: a Prometheus metric name such as `portvakt_http_requests_total`.
    ///   - help: one line saying what is counted.
    ///   - labels: the label names; every increment gives one value per name, in this order.
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        register(Counter(name: name, help: help, labelNames: labels))
    }

    /// Registers a histogram family with cumulative buckets (upper bounds, ascending).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> Histogram {
        register(Histogram(name: name, help: help, labelNames: labels, bounds: buckets))
    }

    /// Registers a gauge whose samples are read when metrics are rendered, such as a pool's size.
    /// - Parameter sample: returns each sample as label values (in `labels` order) and a value.
    public func gauge(
        _ name: String, help: String, labels: [String] = [],
        sample: @escaping @Sendable () -> [(labels: [String], value: Double)]
    ) {
        _ = register(Gauge(name: name, help: help, labelNames: labels, sample: sample))
    }

    /// Renders every family in the text exposition format, version 0.0.4.
    public func render() -> String {
        var output = ""
        for family in families.withLock({ $0 }) {
            family.render(into: &output)
        }
        return output
    }

    /// Registers a family that keeps and renders its own samples, for hot paths that need a
    /// cheaper key than a list of label values.
    @discardableResult
    public func register<Family: MetricFamily>(_ family: Family) -> Family {
        families.withLock { $0.append(family) }
        return family
    }
}

/// Metrics that render themselves in the text exposition format.
public protocol MetricFamily: Sendable {
    /// Writes the family's `# HELP` and `# TYPE` lines and its samples.
    func render(into output: inout String)
}

/// Formats a label set as `{a="x",b="y"}`, escaping as the exposition format requires.
public func renderLabels(_ names: [String], _ values: [String], extra: (String, String)? = nil) -> String {
    var pairs = zip(names, values).map { ($0, $1) }
    if let extra { pairs.append(extra) }
    guard !pairs.isEmpty else { return "" }
    let body = pairs.map { name, value in
        let escaped = value.replacingOccurrences("\\", with: "\\\\").replacingOccurrences("\"", with: "\\\"")
            .replacingOccurrences("\n", with: "\\n")
        return "\(name)=\"\(escaped)\""
    }
    return "{" + body.joined(separator: ",") + "}"
}

/// Formats a sample value; integers print without a fraction.
public func renderValue(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
