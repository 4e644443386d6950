import Crypto
import Foundation
import KeyCore
import Observability
import PortvaktProtocol
import ProtocolCrypto
import StationLink

extension StationDaemon {
    /// Serves one docked key: trust anchors on its first dock, its logs up to the server, then its
    /// activation, and finally the result on the dock.
    func serve(_ key: any DockedKey) async {
        let log = logger.child(label: "station.dock", metadata: ["key.serial": .string(key.serial)])
        log.info("key docked", ["key.battery_percent": .int(Int(key.battery.percent))])
        let result: DockResult
        do {
            if !key.hasTrustAnchors {
                try await key.installTrustAnchors([identity.serverKeys.trustAnchor])
                log.notice("key given trust anchors")
            }
            let online = try await syncLogs(key, log: log)
            result = try await activate(key, online: online, log: log)
        } catch {
            log.warning("dock session failed", ["dock.error": .string("\(error)")])
            result = .notReady(.sessionFailed)
        }
        await key.show(result)
        log.info("key served", ["dock.ready": .bool(result.isReady)])
    }

    /// Carries the key's logs up: hello, report, queue, send, acknowledgement, repeated while the
    /// key has entries left.
    ///
    /// - Returns: whether the server could be reached.
    func syncLogs(_ key: any DockedKey, log: Logger) async throws -> Bool {
        let keyID = SodiumProtocolCrypto().keyID(for: key.publicKey)
        for _ in 0..<settings.maxSyncRounds {
            let hello = SyncHello(nonce: RandomBytes.generate(ProtocolLimits.nonceLength), stationTime: nowSeconds)
                .encoded
            let reportBytes = try await key.exchange(hello)
            let report: SyncReport
            do {
                report = try SyncReport.decode(reportBytes)
            } catch {
                throw DockError.badFrame("the key's report does not decode: \(error)")
            }
            guard report.keyID == keyID else { throw DockError.badFrame("the report names another key") }

            guard
                let queued = try store.enqueue(
                    keySerial: key.serial, keyPublicKey: key.publicKey, hello: hello, report: reportBytes,
                    entryCount: report.entries.count, now: clock())
            else {
                log.warning(
                    "queue full, key keeps its entries",
                    ["queue.limit": .int(store.queueLimits.maxReports)])
                return true
            }
            inFlight.withLock { _ = $0.insert(queued) }
            defer { inFlight.withLock { _ = $0.remove(queued) } }

            let request = SyncRequest(
                keySerial: key.serial, keyPublicKey: Data(key.publicKey).base64EncodedString(),
                hello: Data(hello).base64EncodedString(), report: Data(reportBytes).base64EncodedString())
            let answer: SyncResponse
            do {
                answer = try await Blocking.run { [api] in try api.sync(request) }
            } catch let error as StationError where error.code == .refused {
                try reject(queued, error, log: log.child(label: log.label, metadata: ["queue.id": .int(Int(queued))]))
                return true
            } catch {
                log.warning(
                    "report kept in queue",
                    ["queue.id": .int(Int(queued)), "station.error": .string("\(error)")])
                return false
            }
            guard let ack = Data(base64Encoded: answer.ack) else {
                log.error("server sent an acknowledgement that is not base64")
                return true
            }
            let deleted: [UInt8]
            do {
                deleted = try await key.exchange(Array(ack))
            } catch DockError.keyRefused(let reason) {
                // The server holds the entries; the queued copy goes again later and is counted as known.
                log.error("key rejected the acknowledgement", ["key.reason": .string(reason)])
                return true
            }
            try store.removeReport(queued)
            try store.setValue(.lastSyncAt, clock())
            log.info(
                "report delivered",
                [
                    "sync.entries": .int(report.entries.count),
                    "sync.stored": .int(answer.stored), "sync.known": .int(answer.known),
                    "sync.deleted_on_key": .int(Self.count(deleted)),
                ])
            if report.remainingEntries == 0 { return true }
        }
        log.warning("key still has entries after the most rounds allowed")
        return true
    }

    /// Writes the shift's activation: from the server, or prefetched when the server cannot be
    /// reached or cannot answer.
    func activate(_ key: any DockedKey, online: Bool, log: Logger) async throws -> DockResult {
        var fallback = NotReadyReason.serverUnreachable
        if online {
            let request = ActivationRequest(
                keySerial: key.serial, shiftStart: clock(), batteryPercent: Int(key.battery.percent))
            do {
                let answer = try await Blocking.run { [api] in try api.activation(request) }
                guard answer.result == .ready else {
                    guard let reason = answer.reason else {
                        throw StationError(.badAnswer, "the server refused the key without a reason")
                    }
                    log.notice("activation refused", ["dock.reason": .string(reason.rawValue)])
                    return .notReady(.refused(reason))
                }
                guard let text = answer.activation, let activation = Data(base64Encoded: text),
                    let doors = answer.doorCount, let validUntil = answer.validUntil, validUntil >= 0
                else {
                    throw StationError(.badAnswer, "the server's ready answer lacks the activation or its details")
                }
                let ready = DockResult.ready(doors: doors, validUntil: UInt64(validUntil / 1000))
                return try await write(Array(activation), to: key, ready: ready, log: log)
            } catch let error as StationError {
                // A prefetched credential was issued for this very key by the same server, so it
                // is as good when the server is away as when it answers something unusable.
                if error.code != .unreachable && error.code != .unauthorised { fallback = .serverFailed }
                log.warning("activation failed, trying prefetched", ["station.error": .string(error.description)])
            }
        }
        guard let prefetched = try store.prefetched(serial: key.serial, publicKey: key.publicKey, validAt: nowSeconds)
        else {
            return .notReady(fallback)
        }
        log.info("activation from prefetch", ["prefetch.valid_until": .int(Int(prefetched.validUntil))])
        return try await write(
            prefetched.activation, to: key,
            ready: .ready(doors: prefetched.doorCount, validUntil: prefetched.validUntil), log: log)
    }

    private func write(_ activation: [UInt8], to key: any DockedKey, ready: DockResult, log: Logger) async throws
        -> DockResult
    {
        do {
            _ = try await key.exchange(activation)
            return ready
        } catch let error as DockError {
            guard case .keyRefused(let reason) = error else { throw error }
            log.error("key rejected its activation", ["key.reason": .string(reason)])
            return .notReady(.keyRejectedCredential)
        }
    }

    /// The key's answer to an acknowledgement: entries deleted, `u32` little-endian.
    static func count(_ bytes: [UInt8]) -> Int {
        guard bytes.count == 4 else { return -1 }
        return bytes.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
