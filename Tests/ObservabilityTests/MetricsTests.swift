import Observability
import Testing

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("counters render with help, type and labels")
    func counters() {
        let registry = MetricsRegistry()
        let syncs = registry.counter("portvakt_syncs_total", help: "Key syncs.", labels: ["result"])
        syncs.increment(["ok"])
        syncs.increment(["ok"])
        syncs.increment(["blocked"])
        let text = registry.render()
        #expect(text.contains("# HELP portvakt_syncs_total Key syncs.\n# TYPE portvakt_syncs_total counter\n"))
        #expect(text.contains(#"portvakt_syncs_total{result="ok"} 2"#))
        #expect(text.contains(#"portvakt_syncs_total{result="blocked"} 1"#))
        #expect(syncs.value(["ok"]) == 2)
    }

    @Test("histogram buckets are cumulative and end with +Inf, sum and count")
    func histograms() {
        let registry = MetricsRegistry()
        let latency = registry.histogram("latency_seconds", help: "Latency.", buckets: [0.1, 1])
        latency.observe(0.05)
        latency.observe(0.5)
        latency.observe(5)
        let text = registry.render()
        #expect(text.contains(#"latency_seconds_bucket{le="0.1"} 1"#))
        #expect(text.contains(#"latency_seconds_bucket{le="1"} 2"#))
        #expect(text.contains(#"latency_seconds_bucket{le="+Inf"} 3"#))
        #expect(text.contains("latency_seconds_sum 5.55"))
        #expect(text.contains("latency_seconds_count 3"))
    }

    @Test("label values are escaped")
    func labelEscaping() {
        let registry = MetricsRegistry()
        registry.counter("c", help: "C.", labels: ["path"]).increment(["a\"b\\c\nd"])
        #expect(registry.render().contains(#"c{path="a\"b\\c\nd"} 1"#))
    }

    @Test("gauges are sampled when rendered")
    func gauges() {
        let registry = MetricsRegistry()
        let box = Box()
        registry.gauge("pool", help: "Pool.", labels: ["state"]) { [(["open"], Double(box.value))] }
        box.value = 3
        #expect(registry.render().contains(#"pool{state="open"} 3"#))
        box.value = 5
        #expect(registry.render().contains(#"pool{state="open"} 5"#))
    }
}

private final class Box: @unchecked Sendable {
    var value = 0
}
