import CredentialIssuer
import Foundation
import PortvaktProtocol
import ProtocolTesting
import StationLink
import Synchronization

@testable import Station

/// A stand-in for the server's station API that does the issuer's real work: it checks each
/// report's key signature, signs real acknowledgements and real credentials, and can be taken
/// offline. For the daemon's flow where the station routes are not the subject.
final class IssuerBackedAPI: StationAPI {
    struct State {
        var online = true
        var keys: [String: [UInt8]] = [:]
        var stored: Set<String> = []
        var reports: [(serial: String, sequences: [UInt32])] = []
        var refusal: RefusalReason?
        var activationFailure: StationError?
        var queueDepthAtSync: [Int] = []
        var revocationVersion: UInt32 = 1
        var prefetchFailure: StationError?
        /// Reports with this serial are answered with this error instead of being taken.
        var syncFailures: [String: StationError] = [:]
        /// Every heartbeat taken, oldest first.
        var heartbeats: [HeartbeatRequest] = []
    }

    let fixture = DoorFixture()
    let state = Mutex(State())
    /// Read at each sync, to prove the report was queued before it was sent.
    let store: StationStore
    let doors = [DoorFixture.lockID(0xA1), DoorFixture.lockID(0xA2), DoorFixture.lockID(0xA3)]

    init(store: StationStore) {
        self.store = store
    }

    var pinnedKeys: PinnedServerKeys {
        PinnedServerKeys(
            linkPublicKey: [UInt8](repeating: 0, count: 32), issuerID: fixture.issuerKey.issuerID,
            issuerPublicKey: fixture.issuerKey.publicKey, eventPublicKey: fixture.intake.eventRecipient)
    }

    func setOnline(_ online: Bool) { state.withLock { $0.online = online } }

    private func checkOnline() throws(StationError) {
        guard state.withLock({ $0.online }) else { throw StationError(.unreachable, "no server address answered") }
    }

    func heartbeat(_ request: HeartbeatRequest) throws(StationError) -> HeartbeatResponse {
        try checkOnline()
        state.withLock { $0.heartbeats.append(request) }
        return HeartbeatResponse(
            serverTime: Int64(Date().timeIntervalSince1970 * 1000),
            revocationVersion: state.withLock { $0.revocationVersion })
    }

    func sync(_ request: SyncRequest) throws(StationError) -> SyncResponse {
        try checkOnline()
        if let failure = state.withLock({ $0.syncFailures[request.keySerial] }) { throw failure }
        guard let key = Data(base64Encoded: request.keyPublicKey), let hello = Data(base64Encoded: request.hello),
            let reportBytes = Data(base64Encoded: request.report)
        else { throw StationError(.refused, "not base64") }
        let depth = (try? store.queueStatus().depth) ?? -1
        let report: SyncReport
        do {
            report = try fixture.intake.verifyReport(Array(reportBytes), hello: Array(hello), keyPublicKey: Array(key))
        } catch {
            throw StationError(.refused, "bad report: \(error)")
        }
        let known = state.withLock { state in
            state.keys[request.keySerial] = Array(key)
            state.queueDepthAtSync.append(depth)
            state.reports.append((request.keySerial, report.entries.map(\.sequence)))
            var known = 0
            for entry in report.entries where !state.stored.insert("\(request.keySerial)/\(entry.sequence)").inserted {
                known += 1
            }
            return known
        }
        let through = report.entries.map(\.sequence).max() ?? 0
        let ack = fixture.intake.acknowledge(
            keyID: report.keyID, through: through, hello: try! SyncHello.decode(Array(hello)))
        return SyncResponse(
            ack: Data(ack).base64EncodedString(), acknowledgedThrough: through, stored: report.entries.count - known,
            known: known)
    }

    func activation(_ request: ActivationRequest) throws(StationError) -> ActivationResponse {
        try checkOnline()
        if let failure = state.withLock({ $0.activationFailure }) { throw failure }
        if let refusal = state.withLock({ $0.refusal }) { return .refused(refusal, message: "refused") }
        guard let key = state.withLock({ $0.keys[request.keySerial] }) else {
            return .refused(.keyUnknown, message: "")
        }
        let (activation, validUntil) = issue(for: key)
        return .ready(
            activation: Data(activation).base64EncodedString(), doorCount: doors.count, validUntil: validUntil * 1000)
    }

    func prefetch(_ request: PrefetchRequest) throws(StationError) -> PrefetchResponse {
        try checkOnline()
        if let failure = state.withLock({ $0.prefetchFailure }) { throw failure }
        let keys = state.withLock { $0.keys }
        return PrefetchResponse(
            activations: keys.map { serial, key in
                let (activation, validUntil) = issue(for: key)
                return PrefetchResponse.Item(
                    keySerial: serial, keyPublicKey: Data(key).base64EncodedString(),
                    activation: Data(activation).base64EncodedString(), doorCount: doors.count,
                    validUntil: Int64(validUntil) * 1000)
            }, revocationLists: [])
    }

    private func issue(for key: [UInt8]) -> ([UInt8], Int64) {
        let now = UInt64(Date().timeIntervalSince1970)
        let issued = try! fixture.issuer.issue(
            CredentialRequest(
                keyPublicKey: key, issuedAt: now - 60, validFrom: now - 60, validUntil: now + 8 * 3_600,
                utcOffsetMinutes: 0, permissions: doors.map { Permission(lockID: $0) }))
        return (
            issued.activation(eventRecipient: fixture.intake.eventRecipient, revocationLists: []),
            Int64(now + 8 * 3_600)
        )
    }
}
