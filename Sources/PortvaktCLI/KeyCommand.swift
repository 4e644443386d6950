import KeyCore
import Station

/// `portvakt key dock`: plays one simulated key being docked at a station running on this machine.
enum KeyCommand: Command {
    static let name = "key"
    static let summary = "dock a simulated key at a local station"
    static let usage = """
        usage: portvakt key dock --station DIR --key FILE [--serial SERIAL] [--battery PERCENT]

        Plays one digital key being docked at the station whose state directory is DIR (started
        with 'portvakt station run --state DIR'). The key runs the real key core with its own
        Ed25519 key pair; its state (key pair, trust anchors, credential, carried events) lives
        in FILE, written atomically after each step. The first dock creates FILE with a new key
        pair and needs --serial, the serial registered for the key at the server.

        Prints what the employee would see, for example:
          ready: 212 doors, valid until 22:00
          not ready: key reported lost. Contact the central unit.
        and exits 0 when the key is ready, 1 otherwise.

        options:
          --station DIR        the station's state directory (its dock socket is DIR/dock.sock)
          --key FILE           the key's state file
          --serial SERIAL      the key's serial (required when FILE does not exist yet)
          --battery PERCENT    the battery level the key reports, 0-100 (default: as stored, first 80)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        guard arguments.first == "dock" else { throw UsageError("the only key action is 'dock'") }
        let parsed = try CommandLineArguments(
            Array(arguments.dropFirst()), valued: ["station", "key", "serial", "battery"], switches: [])
        guard let station = parsed.values["station"] else { throw UsageError("--station is required") }
        guard let file = parsed.values["key"] else { throw UsageError("--key is required") }
        var battery: BatteryReading?
        if let text = parsed.values["battery"] {
            guard let percent = UInt8(text), percent <= 100 else {
                throw UsageError("--battery must be a whole number from 0 to 100")
            }
            battery = BatteryReading(percent: percent, millivolts: 3_300 + UInt16(percent) * 9)
        }

        let store = try FileKeyStore.openOrCreate(path: file, serial: parsed.values["serial"], battery: battery)
        if battery != nil { try store.save() }
        var key = try SimulatedKey(store: store)
        let result = try key.dock(socketPath: SimulatedDock.socketPath(in: station))
        console.print(result.line)
        return result.ready ? ExitCode.success : ExitCode.failure
    }
}
