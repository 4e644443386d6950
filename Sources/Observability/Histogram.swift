import Synchronization

/// A family of histograms with fixed bucket bounds, one per label-value combination.
public final class Histogram: MetricFamily {
    public let name: String
    public let help: String
    private let labelNames: [String]
    private let bounds: [Double]
    private let series = Mutex<[[String]: HistogramSeries]>([:])

    /// Latency buckets in seconds, from 100 µs to 10 s, suited to HTTP and database timings.
    public static let latencyBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    init(name: String, help: String, labelNames: [String], bounds: [Double]) {
        precondition(bounds == bounds.sorted(), "histogram bounds must ascend")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.bounds = bounds
    }

    /// Records one observation for `labels`.
    public func observe(_ value: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "label values must match label names")
        series.withLock { all in
            all[labels, default: HistogramSeries(bounds: bounds)].observe(value)
        }
    }

    /// How many observations were recorded for `labels`.
    public func count(_ labels: [String] = []) -> UInt64 {
        series.withLock { $0[labels]?.count ?? 0 }
    }

    public func render(into output: inout String) {
        output += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        let snapshot = series.withLock { $0 }
        for (labels, entry) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            entry.render(name: name, labelNames: labelNames, labels: labels, into: &output)
        }
    }
}

/// The counts of one histogram series; embeddable in other metric families.
public struct HistogramSeries: Sendable {
    /// Upper bounds of the finite buckets, ascending.
    public let bounds: [Double]
    private var buckets: [UInt64]
    /// Observations recorded.
    public private(set) var count: UInt64 = 0
    /// Sum of the observations.
    public private(set) var sum: Double = 0

    /// An empty series with the given bucket bounds.
    public init(bounds: [Double]) {
        self.bounds = bounds
        buckets = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Counts one observation.
    public mutating func observe(_ value: Double) {
        var index = 0
        while index < bounds.count && value > bounds[index] { index += 1 }
        buckets[index] += 1
        count += 1
        sum += value
    }

    /// Writes the `_bucket`, `_sum` and `_count` lines of this series.
    public func render(name: String, labelNames: [String], labels: [String], into output: inout String) {
        var cumulative: UInt64 = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += buckets[index]
            let rendered = renderLabels(labelNames, labels, extra: ("le", renderValue(bound)))
            output += "\(name)_bucket\(rendered) \(cumulative)\n"
        }
        cumulative += buckets[bounds.count]
        output += "\(name)_bucket\(renderLabels(labelNames, labels, extra: ("le", "+Inf"))) \(cumulative)\n"
        output += "\(name)_sum\(renderLabels(labelNames, labels)) \(renderValue(sum))\n"
        output += "\(name)_count\(renderLabels(labelNames, labels)) \(count)\n"
    }
}
