import Synchronization

/// A family of monotonically increasing counters, one per label-value combination.
public final class Counter: MetricFamily {
    let name: String
    let help: String
    private let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// Adds `amount` to the counter for `labels` (one value per label name, in order).
    public func increment(_ labels: [String] = [], by amount: Double = 1) {
        precondition(labels.count == labelNames.count, "label values must match label names")
        values.withLock { $0[labels, default: 0] += amount }
    }

    /// The current value for `labels`; zero when never incremented.
    public func value(_ labels: [String] = []) -> Double {
        values.withLock { $0[labels] ?? 0 }
    }

    public func render(into output: inout String) {
        output += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
        let snapshot = values.withLock { $0 }
        for (labels, value) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            output += "\(name)\(renderLabels(labelNames, labels)) \(renderValue(value))\n"
        }
    }
}

/// A family of gauges sampled at render time.
final class Gauge: MetricFamily {
    let name: String
    let help: String
    private let labelNames: [String]
    private let sample: @Sendable () -> [(labels: [String], value: Double)]

    init(
        name: String, help: String, labelNames: [String],
        sample: @escaping @Sendable () -> [(labels: [String], value: Double)]
    ) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.sample = sample
    }

    func render(into output: inout String) {
        output += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        for (labels, value) in sample() {
            output += "\(name)\(renderLabels(labelNames, labels)) \(renderValue(value))\n"
        }
    }
}
