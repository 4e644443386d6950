import StationLink

/// The station's operations at the server (docs/station.md §5), one call each, with the
/// message types ``StationLink`` defines for both ends.
///
/// Calls block until answered or failed; the daemon runs them off the task pool. A call throws
/// ``StationError``: `.unreachable` and `.unauthorised` when the server could not be asked (the
/// station works offline meanwhile), `.refused` when the server answered that it will not do it,
/// `.tryLater` when it answered that it cannot do it now, `.badAnswer` when the answer does not
/// follow the API.
public protocol StationAPI: Sendable {
    /// Tells the server the station is alive, with its queue and power state.
    func heartbeat(_ request: HeartbeatRequest) throws(StationError) -> HeartbeatResponse
    /// Hands the server one key report and returns the issuer's acknowledgement.
    func sync(_ request: SyncRequest) throws(StationError) -> SyncResponse
    /// Asks for a key's activation for the shift starting now.
    func activation(_ request: ActivationRequest) throws(StationError) -> ActivationResponse
    /// Fetches activations for the coming shift for every key of the station's provider.
    func prefetch(_ request: PrefetchRequest) throws(StationError) -> PrefetchResponse
}
