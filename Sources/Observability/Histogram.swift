import Synchronization

/// A family of histograms with fixed bucket bounds, one per label-value combination.
public final class Histogram: MetricFamily {
    let name: String
    let help: String
    let kind = "histogram"
    private let labelNames: [String]
    private let bounds: [Double]
    private let series = Mutex<[[String]: Series]>([:])

    struct Series {
        var buckets: [UInt64]
        var count: UInt64 = 0
        var sum: Double = 0
    }

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
        let index = bounds.firstIndex(where: { value <= $0 }) ?? bounds.count
        series.withLock { all in
            var entry = all[labels] ?? Series(buckets: Array(repeating: 0, count: bounds.count + 1))
            entry.buckets[index] += 1
            entry.count += 1
            entry.sum += value
            all[labels] = entry
        }
    }

    /// How many observations were recorded for `labels`.
    public func count(_ labels: [String] = []) -> UInt64 {
        series.withLock { $0[labels]?.count ?? 0 }
    }

    func render(into output: inout String) {
        let snapshot = series.withLock { $0 }
        for (labels, entry) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var cumulative: UInt64 = 0
            for (index, bound) in bounds.enumerated() {
                cumulative += entry.buckets[index]
                let rendered = renderLabels(labelNames, labels, extra: ("le", renderValue(bound)))
                output += "\(name)_bucket\(rendered) \(cumulative)\n"
            }
            cumulative += entry.buckets[bounds.count]
            output += "\(name)_bucket\(renderLabels(labelNames, labels, extra: ("le", "+Inf"))) \(cumulative)\n"
            output += "\(name)_sum\(renderLabels(labelNames, labels)) \(renderValue(entry.sum))\n"
            output += "\(name)_count\(renderLabels(labelNames, labels)) \(entry.count)\n"
        }
    }
}
