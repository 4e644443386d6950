import Configuration
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    private let settings = [
        Setting("http.port", default: "8080", .integer(0...65535), "Port."),
        Setting("http.host", default: "127.0.0.1", .ipv4Address, "Host."),
        Setting("log.access", default: "true", .boolean, "Access log."),
        Setting("storage.backend", default: "sqlite", .choice(["sqlite", "postgres"]), "Backend."),
        Setting("storage.postgres_url", default: nil, .text(secret: true), "URL."),
    ]

    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-\(UUID()).conf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("defaults apply when nothing else is given")
    func defaults() throws {
        let configuration = try Configuration(settings: settings, environment: [:])
        #expect(configuration.integer("http.port") == 8080)
        #expect(configuration.boolean("log.access"))
        #expect(configuration.text("storage.postgres_url") == nil)
    }

    @Test("the file overrides defaults, the environment the file, and flags everything")
    func precedence() throws {
        let path = try file(
            """
            # Portvakt settings
            http.port = 9000
            storage.backend = postgres
            storage.postgres_url = postgresql://portvakt:pa#ss@db/portvakt

            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try Configuration(settings: settings, file: path, environment: [:])
        #expect(fromFile.integer("http.port") == 9000)
        #expect(fromFile.text("storage.postgres_url") == "postgresql://portvakt:pa#ss@db/portvakt")

        let fromEnvironment = try Configuration(
            settings: settings, file: path, environment: ["PORTVAKT_HTTP_PORT": "9100"])
        #expect(fromEnvironment.integer("http.port") == 9100)

        let fromFlags = try Configuration(
            settings: settings, file: path, environment: ["PORTVAKT_HTTP_PORT": "9100"],
            overrides: ["http.port": "9200"])
        #expect(fromFlags.integer("http.port") == 9200)
    }

    @Test("a command's own defaults replace built-in ones but not the environment")
    func commandDefaults() throws {
        let configuration = try Configuration(
            settings: settings, defaults: ["http.port": "7000", "log.access": "no"],
            environment: ["PORTVAKT_HTTP_PORT": "7100"])
        #expect(configuration.integer("http.port") == 7100)
        #expect(!configuration.boolean("log.access"))
    }

    @Test("a wrong value stops loading with a message naming the setting and its source")
    func invalidValues() throws {
        #expect(throws: ConfigurationError.self) {
            try Configuration(settings: settings, environment: ["PORTVAKT_HTTP_PORT": "eighty"])
        }
        do {
            _ = try Configuration(settings: settings, environment: ["PORTVAKT_HTTP_PORT": "70000"])
            Issue.record("70000 was accepted as a port")
        } catch {
            #expect(
                error.description
                    == "setting http.port has the value \"70000\" (from environment variable PORTVAKT_HTTP_PORT); "
                    + "it must be a whole number from 0 to 65535")
        }
        #expect(throws: ConfigurationError.self) {
            try Configuration(settings: settings, environment: [:], overrides: ["http.host": "localhost"])
        }
        #expect(throws: ConfigurationError.self) {
            try Configuration(settings: settings, environment: ["PORTVAKT_STORAGE_BACKEND": "mysql"])
        }
        #expect(throws: ConfigurationError.self) {
            try Configuration(settings: settings, environment: ["PORTVAKT_LOG_ACCESS": "maybe"])
        }
    }

    @Test("an unknown setting in the file is refused with its line")
    func unknownSetting() throws {
        let path = try file("http.prot = 9000\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConfigurationError.unknownSetting(key: "http.prot", source: "\(path) line 1")) {
            try Configuration(settings: settings, file: path, environment: [:])
        }
    }

    @Test("a line that is not key = value is refused")
    func malformedLine() throws {
        let path = try file("http.port 9000\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConfigurationError.malformedLine(source: "\(path) line 1", line: "http.port 9000")) {
            try Configuration(settings: settings, file: path, environment: [:])
        }
    }

    @Test("a missing file is reported by path")
    func missingFile() {
        do {
            _ = try Configuration(settings: settings, file: "/nonexistent/portvakt.conf", environment: [:])
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description.hasPrefix("cannot read the configuration file /nonexistent/portvakt.conf"))
        }
    }

    @Test("a required setting without a value names its environment variable")
    func required() throws {
        let configuration = try Configuration(settings: settings, environment: [:])
        #expect(
            throws: ConfigurationError.missing(
                key: "storage.postgres_url", environmentName: "PORTVAKT_STORAGE_POSTGRES_URL")
        ) {
            try configuration.required("storage.postgres_url")
        }
    }

    @Test("secrets never appear in the printed settings")
    func secretsHidden() throws {
        let configuration = try Configuration(
            settings: settings, environment: ["PORTVAKT_STORAGE_POSTGRES_URL": "postgresql://u:hunter2@db/p"])
        let printed = configuration.redactedValues.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        #expect(!printed.contains("hunter2"))
        #expect(printed.contains("storage.postgres_url=(set, hidden)"))
        #expect(try configuration.required("storage.postgres_url") == "postgresql://u:hunter2@db/p")
    }
}
