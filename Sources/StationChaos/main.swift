import Foundation
import Station

// portvakt-station-chaos: the test tool behind scripts/station-chaos. It prepares a server's
// data, makes keys carry many real door events, and checks what reached the server. It is not
// part of the product: it writes straight into a stopped server's database and holds keys'
// files.

let usage = """
    usage: portvakt-station-chaos seed --data-dir DIR --keys N [--postgres-url URL]
           portvakt-station-chaos doors --dir DIR --times N [--lose-receipts PERCENT] [--key SERIAL]
           portvakt-station-chaos check --dir DIR --server URL --token TOKEN

    seed    prepares the SQLite data directory, or with --postgres-url the empty PostgreSQL
            database, of a server that is not running: keys CHAOS-1 to CHAOS-N of org-norr, each
            granted an apartment behind one shared entrance, all with locks; prints a central and
            a provider administrator's token as name=value lines.
    doors   each key file DIR/*.key (docked once, so it holds a credential) opens its doors N
            times on real locks kept in DIR/*.lock (only DIR/SERIAL.key with --key); PERCENT of
            receipts never reach the lock.
    check   compares every event the keys and locks in DIR made with GET /api/v1/events and
            the event findings at URL; exits 1 when anything is lost, doubled or wrong.
    """

/// The value after `--name`.
func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func required(_ name: String, in arguments: [String]) throws -> String {
    guard let value = option(name, in: arguments) else { throw ChaosError("--\(name) is required\n\(usage)") }
    return value
}

func number(_ name: String, in arguments: [String], default fallback: Int? = nil) throws -> Int {
    guard let text = option(name, in: arguments) ?? fallback.map(String.init), let value = Int(text), value >= 0
    else { throw ChaosError("--\(name) takes a whole number\n\(usage)") }
    return value
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "seed":
        print(
            try ChaosSeed.run(
                dataDirectory: try required("data-dir", in: arguments), keys: max(1, try number("keys", in: arguments)),
                postgresURL: option("postgres-url", in: arguments)))
    case "doors":
        print(
            try DoorRounds.run(
                directory: try required("dir", in: arguments), times: try number("times", in: arguments),
                loseReceipts: min(100, try number("lose-receipts", in: arguments, default: 0)),
                only: option("key", in: arguments)))
    case "check":
        let check = ChaosCheck(
            directory: try required("dir", in: arguments),
            server: try ServerAddress(parsing: try required("server", in: arguments)),
            token: try required("token", in: arguments))
        let outcome = try check.run()
        for problem in outcome.problems { print("  " + problem) }
        print(
            "check: generated=\(outcome.keyEvents + outcome.lockEventsMade) (keys \(outcome.keyEvents), "
                + "locks \(outcome.lockEventsMade)) carried=\(outcome.keyEvents + outcome.lockEvents) "
                + "acknowledged_entries=\(outcome.entriesAcknowledged)/\(outcome.entriesStored) "
                + "on_server=\(outcome.onServer) lost=\(outcome.lost) duplicates=\(outcome.duplicates) "
                + "problems=\(outcome.problems.count)")
        exit(outcome.passed ? 0 : 1)
    default:
        print(usage)
        exit(arguments.isEmpty ? 0 : 64)
    }
} catch {
    FileHandle.standardError.write(Data("portvakt-station-chaos: \(error)\n".utf8))
    exit(1)
}
