import Foundation
import StationLink

/// ``StationAPI`` as JSON over a ``StationTransport``.
public struct JSONStationAPI: StationAPI {
    private let transport: any StationTransport

    /// The API over `transport`.
    public init(transport: any StationTransport) {
        self.transport = transport
    }

    /// See ``StationAPI/heartbeat(_:)``.
    public func heartbeat(_ request: HeartbeatRequest) throws(StationError) -> HeartbeatResponse {
        try call(.heartbeat, request)
    }

    /// See ``StationAPI/sync(_:)``.
    public func sync(_ request: SyncRequest) throws(StationError) -> SyncResponse {
        try call(.sync, request)
    }

    /// See ``StationAPI/activation(_:)``.
    public func activation(_ request: ActivationRequest) throws(StationError) -> ActivationResponse {
        try call(.activation, request)
    }

    /// See ``StationAPI/prefetch(_:)``.
    public func prefetch(_ request: PrefetchRequest) throws(StationError) -> PrefetchResponse {
        try call(.prefetch, request)
    }

    private func call<Request: Encodable, Answer: Decodable>(_ operation: StationOperation, _ request: Request)
        throws(StationError) -> Answer
    {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(request))
        } catch {
            throw StationError(.badAnswer, "could not encode the \(operation.rawValue) request", cause: "\(error)")
        }
        let (status, answer) = try transport.call(operation, body: body)
        guard status == 200 else {
            throw Self.refusal(operation: operation.rawValue, status: status, body: answer)
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(answer))
        } catch {
            throw StationError(
                .badAnswer, "the server's \(operation.rawValue) answer does not follow the station API",
                cause: "\(error)")
        }
    }

    /// The error for a non-200 answer, quoting the problem document's detail when there is one.
    static func refusal(operation: String, status: Int, body: [UInt8]) -> StationError {
        let problem = try? JSONDecoder().decode(Problem.self, from: Data(body))
        let detail = problem?.detail ?? problem?.title ?? "HTTP \(status)"
        let code: StationError.Code =
            switch status {
            case 401: .unauthorised
            case 408, 429, 502...504: .unreachable
            case 409, 500...: .tryLater
            default: .refused
            }
        return StationError(code, "the server refused \(operation): \(detail)", cause: "HTTP \(status)")
    }

    private struct Problem: Decodable {
        var title: String?
        var detail: String?
    }
}
