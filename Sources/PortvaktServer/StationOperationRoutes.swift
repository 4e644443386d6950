import EventLog
import Foundation
import HTTPServer
import Observability
import StationLink
import Storage

/// The station operations under `/api/v1/station/`, each reached only through the sealed link
/// (``StationGate``): heartbeat, sync, activation and prefetch (docs/station.md §5).
struct StationOperationRoutes {
    let database: any Database
    let keys: ServerKeys
    let timeZone: TimeZone
    let ingestion: EventIngestor
    let now: @Sendable () -> Int64
    let logger: Logger

    func register(in api: inout APIRouter) {
        api.defineHeaderScheme(
            StationGate.scheme, header: StationLink.stationHeader, description: StationGate.schemeDescription)
        let gate = StationGate(database: database, keys: keys, now: now, logger: logger)
        let routes = self
        let sync = SyncOperation(database: database, keys: keys, ingestion: ingestion, now: now, logger: logger)
        let operations: [(StationOperation, String, errors: [HTTPStatus], StationGate.Handler)] = [
            (
                .heartbeat, "Report a station's state; answers the server time and revocation version",
                [.unprocessableContent], { try routes.heartbeat($0) }
            ),
            (
                .sync, "Deliver a docked key's signed report; answers the issuer's acknowledgement",
                [.notFound, .unprocessableContent], { try sync.sync($0) }
            ),
            (
                .activation, "Get a docked key's credential for a shift, or the reason it has none",
                [.unprocessableContent], { try routes.activation($0) }
            ),
            (
                .prefetch, "Get credentials for the provider's keys for a coming shift", [.unprocessableContent],
                { try routes.prefetch($0) }
            ),
        ]
        for (operation, summary, errors, handler) in operations {
            api.addStationOperation(
                operation.path, summary: summary,
                OpenAPIOperation(
                    tag: "station",
                    id: "station" + operation.rawValue.prefix(1).uppercased() + operation.rawValue.dropFirst(),
                    body: .string(format: "binary"), success: (.ok, .string(format: "binary")), errors: errors,
                    contentType: StationLink.contentType, securityScheme: StationGate.scheme),
                gate: gate, handler: handler)
        }
    }

    private func heartbeat(_ call: StationCall) throws -> HTTPResponse {
        let body = try call.decode(HeartbeatRequest.self)
        var errors: [ProblemDetails.FieldError] = []
        if body.queueDepth < 0 { errors.append(.init(field: "queueDepth", message: "a count, 0 or more")) }
        if let capacity = body.queueCapacity, capacity < 0 {
            errors.append(.init(field: "queueCapacity", message: "a count, 0 or more"))
        }
        if let rejected = body.rejectedReports, rejected < 0 || rejected > body.queueDepth {
            errors.append(.init(field: "rejectedReports", message: "a count from 0 to queueDepth"))
        }
        if let battery = body.batteryPercent, !(0...100).contains(battery) {
            errors.append(.init(field: "batteryPercent", message: "a percentage from 0 to 100"))
        }
        if body.uplink.count > 40 { errors.append(.init(field: "uplink", message: "at most 40 characters")) }
        if body.version.count > 40 { errors.append(.init(field: "version", message: "at most 40 characters")) }
        try EmployeeRoutes.refuse(errors, "Invalid heartbeat")

        let time = now()
        let version = try database.write { connection in
            try connection.execute(
                """
                UPDATE stations SET heartbeat_at = $2, queue_depth = $3, queue_capacity = $4, oldest_queued_at = $5,
                    power = $6, battery_percent = $7, uplink = $8, software_version = $9, rejected_reports = $10
                WHERE id = $1
                """,
                [
                    .integer(call.station.id), .integer(time), .integer(Int64(body.queueDepth)),
                    body.queueCapacity.map { .integer(Int64($0)) } ?? .null,
                    body.oldestQueuedAt.map { .integer($0) } ?? .null,
                    .text(body.power.rawValue), body.batteryPercent.map { .integer(Int64($0)) } ?? .null,
                    .text(body.uplink), .text(body.version), body.rejectedReports.map { .integer(Int64($0)) } ?? .null,
                ])
            return try RevocationListSource(keys: keys).version(connection)
        }
        return try .json(HeartbeatResponse(serverTime: time, revocationVersion: version))
    }

    private func activation(_ call: StationCall) throws -> HTTPResponse {
        let body = try call.decode(ActivationRequest.self)
        let issuer = issuer()
        let end = body.shiftEnd ?? body.shiftStart + ActivationIssuer.defaultShift
        try issuer.validateShift(start: body.shiftStart, end: end)
        if let battery = body.batteryPercent, !(0...100).contains(battery) {
            try EmployeeRoutes.refuse(
                [.init(field: "batteryPercent", message: "a percentage from 0 to 100")], "Invalid activation request")
        }
        let (key, list) = try database.read { connection in
            (
                try ActivationIssuer.key(
                    serial: body.keySerial, organisationID: call.station.organisationID, connection),
                try RevocationListSource(keys: keys).build(now: now(), connection)
            )
        }
        let outcome = try issuer.activation(
            for: key, shift: body.shiftStart, end, batteryPercent: body.batteryPercent, list: list)
        switch outcome {
        case .ready(let activation, let doorCount, let validUntil):
            return try .json(
                ActivationResponse.ready(activation: activation.base64, doorCount: doorCount, validUntil: validUntil))
        case .refused(let reason, let message):
            logger.info(
                "key activation refused",
                ["station.id": .int(Int(call.station.id)), "activation.reason": .string(reason.rawValue)])
            return try .json(ActivationResponse.refused(reason, message: message))
        }
    }

    private func prefetch(_ call: StationCall) throws -> HTTPResponse {
        let body = try call.decode(PrefetchRequest.self)
        let issuer = issuer()
        try issuer.validateShift(start: body.shiftStart, end: body.shiftEnd)
        let (candidates, list) = try database.read { connection in
            let keys = try connection.execute(
                """
                SELECT k.serial FROM keys k JOIN employees e ON e.id = k.employee_id
                JOIN key_public_keys p ON p.key_id = k.id
                WHERE k.provider_id = $1 AND k.status = 'active' AND e.active = 1 ORDER BY k.id
                """, [.text(call.station.organisationID)]
            ).map { try $0.text("serial") }
            return (keys, try RevocationListSource(keys: self.keys).build(now: now(), connection))
        }
        var items: [PrefetchResponse.Item] = []
        for serial in candidates {
            let key = try database.read {
                try ActivationIssuer.key(serial: serial, organisationID: call.station.organisationID, $0)
            }
            let outcome = try issuer.activation(
                for: key, shift: body.shiftStart, body.shiftEnd, batteryPercent: nil, list: list)
            guard case .ready(let activation, let doorCount, let validUntil) = outcome, let key,
                let publicKey = key.publicKey
            else { continue }
            items.append(
                PrefetchResponse.Item(
                    keySerial: serial, keyPublicKey: publicKey.base64, activation: activation.base64,
                    doorCount: doorCount, validUntil: validUntil))
        }
        return try .json(PrefetchResponse(activations: items, revocationLists: [list.encoded.base64]))
    }

    private func issuer() -> ActivationIssuer {
        ActivationIssuer(database: database, keys: keys, timeZone: timeZone, now: now, logger: logger)
    }
}
