import Foundation
import Observability
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Structured logging")
struct LoggerTests {
    private func record(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("a record is one JSON line with time, level, logger, message and dotted fields")
    func recordShape() throws {
        let sink = MemoryLogSink()
        let logger = Logger(
            label: "sync", sink: sink, clock: { WallTime(millisecondsSinceEpoch: 1_796_300_000_123) })
        logger.info("key docked", ["sync.key_id": "k-17", "sync.events": 12, "sync.battery_low": false])

        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(!line.dropLast().contains("\n"))
        let fields = try record(line)
        #expect(fields["ts"] as? String == "2026-12-03T12:13:20.123Z")
        #expect(fields["level"] as? String == "info")
        #expect(fields["logger"] as? String == "sync")
        #expect(fields["msg"] as? String == "key docked")
        #expect(fields["sync.key_id"] as? String == "k-17")
        #expect(fields["sync.events"] as? Int == 12)
        #expect(fields["sync.battery_low"] as? Bool == false)
    }

    @Test("records below the logger's level are dropped")
    func levels() {
        let sink = MemoryLogSink()
        let logger = Logger(label: "test", level: .warning, sink: sink)
        logger.debug("not written")
        logger.info("not written")
        logger.warning("written")
        logger.critical("written")
        #expect(sink.lines.count == 2)
        #expect(!logger.isEnabled(.info))
        #expect(logger.isEnabled(.error))
    }

    @Test("quotes, backslashes, line breaks and control characters are escaped")
    func escaping() throws {
        let sink = MemoryLogSink()
        let logger = Logger(label: "test", sink: sink)
        let nasty = "a \"quoted\" \\ path\nsecond line\t\u{01}end åäö"
        logger.error("odd value", ["value": .string(nasty)])
        let line = try #require(sink.lines.first)
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(try record(line)["value"] as? String == nasty)
    }

    @Test("a child logger adds its metadata and a field overrides it")
    func childMetadata() throws {
        let sink = MemoryLogSink()
        let logger = Logger(label: "root", sink: sink).child(label: "station", metadata: ["station.id": "st-1"])
        logger.notice("heartbeat")
        logger.notice("heartbeat", ["station.id": "st-2"])
        let first = try record(sink.lines[0])
        let second = try record(sink.lines[1])
        #expect(first["logger"] as? String == "station")
        #expect(first["station.id"] as? String == "st-1")
        #expect(second["station.id"] as? String == "st-2")
        #expect(sink.lines[1].components(separatedBy: "station.id").count == 2)
    }

    @Test("timestamps match the C library's calendar for random times from 1900 to 2200")
    func timestampsMatchGmtime() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let millis = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec),
                Int(((millis % 1000) + 1000) % 1000))
            #expect(WallTime(millisecondsSinceEpoch: millis).iso8601 == expected)
        }
    }

    @Test("level names parse from configuration text")
    func levelNames() {
        #expect(LogLevel(name: "WARNING") == .warning)
        #expect(LogLevel(name: "verbose") == nil)
        #expect(LogLevel.allCases.map(\.name) == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    }
}
