// The sync stations' morning rush (docs/station.md §10): 80 stations enrolled through the real
// API dock thousands of keys against one `portvakt serve`, on SQLite and, when
// PORTVAKT_TEST_POSTGRES_URL names a server, on PostgreSQL. Run through scripts/bench-station
// (release build).

import BenchSupport
import Foundation

let options: BenchOptions
do {
    options = try BenchOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
guard FileManager.default.isExecutableFile(atPath: options.server) else {
    FileHandle.standardError.write(
        Data("no portvakt executable at \(options.server); build it or pass --server\n".utf8))
    exit(2)
}

say(
    "Portvakt station benchmark: a city of \(BenchCity.recipients) recipients, \(BenchCity.staff) staff, "
        + "\(BenchCity.providers) providers and \(BenchCity.apartments + BenchCity.entrances) locks; "
        + "\(options.keys) keys of ~200 doors, \(options.wideKeys) of ~4,000; "
        + "\(options.concurrency) docks at once over \(BenchCity.providers) stations")
var table: [(String, RunResult)] = []
for backend in options.backends {
    do {
        for result in try await BackendRun(options: options, backend: backend).run() {
            table.append((backend, result))
        }
    } catch {
        say("\(backend): benchmark failed: \(error)")
        exit(1)
    }
}

say("\n" + Report.header)
for (backend, result) in table { say(Report.line(backend, result)) }
say("")
for (backend, result) in table where result.label.hasPrefix("morning rush, ~200") {
    say(Report.goal(backend, result))
}
say(
    """

    A sync is one dock: SyncHello, a report with the key's entries, the issuer's acknowledgement, then the
    activation written to the key. Times run from the key's insertion to the result shown. "server CPU s" is
    the portvakt serve process's user and system time, "db CPU s" that of PostgreSQL's processes, and
    "load CPU s" that of this process: 80 stations and every key, on the same two cores.
    """)
