import Foundation

/// The benchmark's command line.
struct BenchOptions {
    /// Keys of about 200 doors docked in the morning rush.
    var keys = 7_000
    /// Keys of about 4,000 doors, docked in a rush of their own.
    var wideKeys = 500
    /// Docks in progress at once, over all stations.
    var concurrency = 80
    /// The `portvakt` executable to run as the server.
    var server: String
    /// Where the server's database, key file and log go.
    var workDirectory = FileManager.default.temporaryDirectory.path + "/portvakt-station-bench"
    /// Where the stations keep their state; memory by default, since 80 stations' own flash
    /// would otherwise queue on this machine's one disk.
    var stationDirectory = "/dev/shm/portvakt-station-bench"
    /// Whether to time one prefetch round of every station after the rushes.
    var prefetch = true
    /// The backends to run: SQLite, and PostgreSQL when `PORTVAKT_TEST_POSTGRES_URL` is set.
    var backends: [String]

    static let usage = """
        usage: StationBench [--quick] [--keys N] [--wide-keys N] [--concurrency N] [--server PATH]
                            [--work DIR] [--station-dir DIR] [--no-prefetch] [--only sqlite|postgres]

          --quick            700 keys of about 200 doors and 70 of about 4,000
          --keys N           keys of about 200 doors (default 7,000, at most about 7,000)
          --wide-keys N      keys of about 4,000 doors (default 500)
          --concurrency N    docks in progress at once over all 80 stations (default 80)
          --server PATH      the portvakt executable (default: beside this one)
          --work DIR         database, key file and server log (default: a temporary directory)
          --station-dir DIR  the stations' state (default /dev/shm/portvakt-station-bench)
          --no-prefetch      skip the round of prefetches after the rushes
          --only BACKEND     run one backend only

        PostgreSQL runs when PORTVAKT_TEST_POSTGRES_URL names a server (scripts/with-postgres).
        """

    /// Parses `arguments` (without the program name).
    init(_ arguments: [String]) throws {
        server =
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "portvakt"
            ).path
        let postgres = ProcessInfo.processInfo.environment["PORTVAKT_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false
        backends = postgres ? ["sqlite", "postgres"] : ["sqlite"]
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\n\(Self.usage)") }
            return next
        }
        func number(_ flag: String) throws -> Int {
            guard let number = Int(try value(flag)), number >= 0 else {
                throw BenchError("\(flag) takes a whole number\n\n\(Self.usage)")
            }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--quick": (keys, wideKeys) = (700, 70)
            case "--keys": keys = try number(flag)
            case "--wide-keys": wideKeys = try number(flag)
            case "--concurrency": concurrency = max(1, try number(flag))
            case "--server": server = try value(flag)
            case "--work": workDirectory = try value(flag)
            case "--station-dir": stationDirectory = try value(flag)
            case "--no-prefetch": prefetch = false
            case "--only":
                let backend = try value(flag)
                guard backends.contains(backend) else {
                    throw BenchError("--only \(backend): the backends here are \(backends.joined(separator: ", "))")
                }
                backends = [backend]
            case "--help", "-h": throw BenchError(Self.usage)
            default: throw BenchError("unknown option \(flag)\n\n\(Self.usage)")
            }
        }
    }
}
