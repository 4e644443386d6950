import Dispatch

/// What the server keeps about one request between libmicrohttpd's callbacks: the body read so
/// far and when the request began. Owned through libmicrohttpd's per-request pointer.
final class RequestState {
    let startNanos: UInt64
    var body: [UInt8] = []
    var tooLarge = false
    /// Bytes of an oversize body thrown away so far.
    var discarded = 0
    var answered = false
    /// The largest body accepted for this request's path.
    var limit = 0

    init() {
        startNanos = DispatchTime.now().uptimeNanoseconds
    }

    var elapsedSeconds: Double {
        Double(DispatchTime.now().uptimeNanoseconds - startNanos) / 1e9
    }
}

/// Collects header fields or query arguments from libmicrohttpd's iterator callback.
final class FieldCollector {
    var pairs: [(String, String)] = []
}
