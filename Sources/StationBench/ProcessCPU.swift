import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// CPU time, user plus system, of processes on this machine, read from `/proc`.
enum ProcessCPU {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Seconds of CPU that process `pid` has used so far, all its threads together; `nil` once it
    /// is gone.
    static func seconds(of pid: Int32) -> Double? {
        stat(of: pid).map { $0.ticks / ticksPerSecond }
    }

    /// Seconds of CPU used so far by the process `parent` and its children: a PostgreSQL server's
    /// postmaster and the backends serving its connections.
    static func seconds(ofTree parent: Int32) -> Double {
        var ticks = stat(of: parent)?.ticks ?? 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let child = stat(of: pid), child.parent == parent else { continue }
            ticks += child.ticks
        }
        return ticks / ticksPerSecond
    }

    /// Seconds of CPU this process has used so far.
    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// The process listening as the PostgreSQL server on `port` of this machine: the `postgres`
    /// process whose command line names the port and whose parent is not itself a `postgres`.
    static func postmaster(port: Int) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let info = stat(of: pid), info.command == "postgres",
                stat(of: info.parent)?.command != "postgres",
                let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
            else { continue }
            let arguments = line.split(separator: "\0").map(String.init)
            if zip(arguments, arguments.dropFirst()).contains(where: { $0 == "-p" && $1 == String(port) }) {
                return pid
            }
        }
        return nil
    }

    /// The command name, parent and CPU ticks from `/proc/PID/stat`.
    private static func stat(of pid: Int32) -> (command: String, parent: Int32, ticks: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
        else { return nil }
        let command = String(text[text.index(after: open)..<close])
        // After the name: state, ppid, …; utime and stime are fields 14 and 15 of the whole line.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let parent = Int32(fields[1]), let user = Double(fields[11]),
            let system = Double(fields[12])
        else { return nil }
        return (command, parent, user + system)
    }
}
