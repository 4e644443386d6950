import BenchSupport
import Foundation
import Station

/// The whole benchmark on one backend: city, server, stations, then the runs.
struct BackendRun {
    let options: BenchOptions
    let backend: String

    func run() async throws -> [RunResult] {
        let work = options.workDirectory + "/" + backend
        let stationRoot = options.stationDirectory + "/" + backend
        for directory in [work, stationRoot] {
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: stationRoot) }

        let clock = ContinuousClock()
        var prepared: BenchDatabase?
        let generation = try clock.measure {
            prepared = try BenchDatabase.prepare(
                postgresURL: backend == "postgres"
                    ? ProcessInfo.processInfo.environment["PORTVAKT_TEST_POSTGRES_URL"]
                    : nil,
                directory: work, shape: .morningRounds(wideKeys: options.wideKeys), now: BenchStation.now())
        }
        guard let prepared else { return [] }
        say("\(backend): city generated in \(Report.number(generation.milliseconds / 1000, digits: 1)) s")

        var settings = prepared.serverSettings
        settings["retention.purge_interval_minutes"] = "0"
        let server = try ServerProcess(binary: options.server, settings: settings, logPath: work + "/server.log")
        defer { server.stop() }
        let postmaster = prepared.postgresPort.flatMap { ProcessCPU.postmaster(port: $0) }
        if prepared.postgresPort != nil, postmaster == nil {
            say("\(backend): PostgreSQL's processes not found; its CPU time is left out")
        }
        say("\(backend): portvakt serve running as process \(server.pid) at \(server.address); log \(server.logPath)")

        var stations: [String: BenchStation] = [:]
        let enrolment = try clock.measure {
            for index in 0..<BenchCity.providers {
                let provider = BenchCity.provider(index)
                stations[provider] = try BenchStation(
                    provider: provider, directory: stationRoot + "/" + provider, server: server.address,
                    adminBearer: prepared.adminBearer)
            }
        }
        say(
            "\(backend): \(stations.count) stations created and enrolled in "
                + "\(Report.number(enrolment.milliseconds / 1000, digits: 1)) s")
        let running = Array(stations.values)
        let daemons = Task {
            await withTaskGroup(of: Void.self) { group in
                for station in running { group.addTask { await station.run() } }
            }
        }
        defer { daemons.cancel() }

        let rush = Rush(server: server, postmaster: postmaster, concurrency: options.concurrency)
        let city = prepared.city
        var results: [RunResult] = []
        for (name, staff, count) in [
            ("200", city.roundStaff, options.keys), ("4,000", city.wideStaff, options.wideKeys),
        ] where count > 0 {
            let dockings = Self.interleaved(staff, city: city, stations: stations).prefix(count).map { $0 }
            let first = await rush.run("first dock, ~\(name) doors", dockings)
            say(Report.line(backend, first))
            results.append(first)
            guard let pinned = stations.values.first?.identity.serverKeys else { break }
            let day = clock.measure {
                _ = DoorDay(keys: pinned).run(dockings.map(\.key), seed: UInt64(count))
            }
            say(
                "\(backend): a day of doors for \(dockings.count) keys in \(Report.number(day.milliseconds / 1000, digits: 1)) s"
            )
            let morning = await rush.run("morning rush, ~\(name) doors", dockings)
            say(Report.line(backend, morning))
            results.append(morning)
        }
        if options.prefetch {
            let prefetch = await rush.prefetchAll(Array(stations.values))
            say(Report.line(backend, prefetch))
            results.append(prefetch)
        }
        daemons.cancel()
        await daemons.value
        return results
    }

    /// `staff`'s keys, each at its provider's station, ordered so the stations take turns: the
    /// first key of every provider, then the second of every provider, and so on.
    static func interleaved(_ staff: [Int64], city: BenchCity, stations: [String: BenchStation]) -> [Docking] {
        var byProvider: [String: [Int64]] = [:]
        for employee in staff { byProvider[city.providerOfEmployee[employee]!, default: []].append(employee) }
        let providers = byProvider.keys.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        var dockings: [Docking] = []
        var round = 0
        while dockings.count < staff.count {
            for provider in providers where round < byProvider[provider]!.count {
                let employee = byProvider[provider]![round]
                dockings.append(
                    Docking(key: BenchKey(serial: BenchCity.keySerial(employee)), station: stations[provider]!))
            }
            round += 1
        }
        return dockings
    }
}

/// Prints a progress line at once.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
