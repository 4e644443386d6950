/// Timings of repeated runs of one operation, in milliseconds.
struct Measurement {
    var samples: [Double] = []

    /// Runs `body` `warmUp` times untimed, then `runs` times timed.
    static func of(runs: Int, warmUp: Int = 20, _ body: () throws -> Void) rethrows -> Measurement {
        for _ in 0..<warmUp { try body() }
        var measurement = Measurement()
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let elapsed = try clock.measure(body)
            measurement.samples.append(elapsed.milliseconds)
        }
        return measurement
    }

    /// The value below which `fraction` of the samples lie (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }
}

extension Duration {
    /// The duration in milliseconds, with fractions.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

/// Formats `value` with `digits` decimals, right-aligned in `width` columns.
func format(_ value: Double, digits: Int = 2, width: Int = 9) -> String {
    var scaled = (value * pow10(digits)).rounded() / pow10(digits)
    if scaled == -0.0 { scaled = 0 }
    let whole = Int(scaled)
    var fraction = String(Int(((scaled - Double(whole)) * pow10(digits)).rounded()))
    while fraction.count < digits { fraction = "0" + fraction }
    return pad(digits > 0 ? "\(whole).\(fraction)" : "\(whole)", width)
}

/// Right-aligns `text` in `width` columns.
func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

private func pow10(_ digits: Int) -> Double {
    (0..<digits).reduce(1.0) { value, _ in value * 10 }
}
