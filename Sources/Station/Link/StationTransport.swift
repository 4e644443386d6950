import StationLink

/// Carries one station operation to the server: a JSON body out, the server's status and JSON
/// body back. ``LinkTransport`` seals both through the station link.
public protocol StationTransport: Sendable {
    /// Calls `POST /api/v1/station/<operation>`.
    ///
    /// - Throws: ``StationError`` with code `.unreachable` when no server address answered,
    ///   `.unauthorised` when the server did not accept the station, `.badAnswer` when the answer
    ///   cannot be read.
    func call(_ operation: StationOperation, body: [UInt8]) throws(StationError) -> (status: Int, body: [UInt8])
}
