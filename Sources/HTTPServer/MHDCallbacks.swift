import CMicroHTTPD
import CMicroHTTPDShim

// libmicrohttpd calls these free functions from its worker threads. They are free functions,
// not closures, so that no actor isolation is inferred for them; the server reaches its state
// through the context pointer.

/// libmicrohttpd's access handler: called once with the headers, then once per body chunk, then
/// once more with no data, when the request is answered. Answering on the first call would make
/// libmicrohttpd close the connection after the response (it cannot know the body was read), so
/// only refusals that end the connection anyway (413) are sent early.
func mhdAccessHandler(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?, url: UnsafePointer<CChar>?,
    method: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?,
    uploadSize: UnsafeMutablePointer<Int>?, requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let context, let connection, let url, let method, let uploadSize, let requestContext else { return .NO }
    let core = Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue()

    guard let pointer = requestContext.pointee else {
        let state = RequestState()
        requestContext.pointee = Unmanaged.passRetained(state).toOpaque()
        core.inFlight.add(1, ordering: .relaxed)

        state.limit = core.configuration.maxBodyBytes(for: String(cString: url))
        let length = header(connection, "Content-Length").flatMap { Int($0) }
        if let length, length > state.limit {
            return answerTooLarge(core, connection, state, method: method, url: url)
        }
        return .YES
    }
    let state = Unmanaged<RequestState>.fromOpaque(pointer).takeUnretainedValue()

    if uploadSize.pointee > 0 {
        let size = uploadSize.pointee
        uploadSize.pointee = 0
        if state.answered { return .YES }
        if state.elapsedSeconds > Double(core.configuration.bodyTimeoutSeconds) {
            core.logger.notice(
                "request body too slow",
                ["http.body_timeout_seconds": .int(core.configuration.bodyTimeoutSeconds)])
            return .NO
        }
        if state.tooLarge || state.body.count + size > state.limit {
            // libmicrohttpd cannot answer in the middle of a body, so an undeclared oversize
            // body is discarded until it ends and then refused; one that keeps coming is cut off.
            state.tooLarge = true
            state.body = []
            state.discarded += size
            return state.discarded > 4 * state.limit ? .NO : .YES
        }
        uploadData.map { data in
            data.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
            }
        }
        return .YES
    }
    if state.answered { return .YES }
    if state.tooLarge { return answerTooLarge(core, connection, state, method: method, url: url) }
    return dispatch(core, connection, state, method: method, url: url)
}

/// Called when libmicrohttpd is done with a request, whether the response was sent or the
/// connection broke; releases the request's state.
func mhdRequestCompleted(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?,
    requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, reason: MHD_RequestTerminationCode
) {
    guard let context, let requestContext, let pointer = requestContext.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(pointer).release()
    requestContext.pointee = nil
    Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue().inFlight.subtract(1, ordering: .relaxed)
}

private func dispatch(
    _ core: ServerCore, _ connection: OpaquePointer, _ state: RequestState, method: UnsafePointer<CChar>,
    url: UnsafePointer<CChar>
) -> MHD_Result {
    state.answered = true
    let request = HTTPRequest(
        method: HTTPMethod(rawValue: String(cString: method)), path: String(cString: url),
        query: Dictionary(fields(connection, .GET_ARGUMENT_KIND), uniquingKeysWith: { first, _ in first }),
        headers: HTTPHeaders(fields(connection, .HEADER_KIND)), body: state.body,
        remoteAddress: clientAddress(connection), id: core.nextRequestID())
    state.body = []
    let response = core.respond(to: request, elapsed: { state.elapsedSeconds })
    return queue(response, on: connection, core: core)
}

private func answerTooLarge(
    _ core: ServerCore, _ connection: OpaquePointer, _ state: RequestState, method: UnsafePointer<CChar>,
    url: UnsafePointer<CChar>
) -> MHD_Result {
    state.answered = true
    state.tooLarge = true
    state.body = []
    let limit = state.limit
    let request = HTTPRequest(
        method: HTTPMethod(rawValue: String(cString: method)), path: String(cString: url),
        remoteAddress: clientAddress(connection), id: core.nextRequestID())
    var response = core.problemResponse(
        HTTPError(.contentTooLarge, detail: "the request body is larger than the limit of \(limit) bytes"),
        request: request)
    // The rest of the body is never read, so the connection cannot be reused.
    response.headers.set("Connection", "close")
    response.headers.set("X-Request-ID", request.id)
    core.metrics.record(route: "unmatched", method: request.method.rawValue, status: 413, seconds: state.elapsedSeconds)
    core.logger.notice(
        "request body too large",
        [
            "http.request_id": .string(request.id), "http.limit_bytes": .int(limit),
            "client.address": .string(request.remoteAddress),
        ])
    return queue(response, on: connection, core: core)
}

private func queue(_ response: HTTPResponse, on connection: OpaquePointer, core: ServerCore) -> MHD_Result {
    var body = response.body
    let handle = body.withUnsafeMutableBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, bytes.baseAddress, .RESPMEM_MUST_COPY)
    }
    guard let handle else { return .NO }
    defer { MHD_destroy_response(handle) }
    // A field with a line break would let a value inject headers; such a field is dropped.
    for (name, value) in response.headers where !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
        _ = MHD_add_response_header(handle, name, value)
    }
    SecurityHeaders.add(
        to: handle, headers: response.headers, strictTransportSecurity: core.configuration.strictTransportSecurity)
    return MHD_queue_response(connection, UInt32(response.status.code), handle)
}

private func header(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

private func fields(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(String, String)] {
    let collector = FieldCollector()
    withExtendedLifetime(collector) {
        _ = MHD_get_connection_values(connection, kind, collectField, Unmanaged.passUnretained(collector).toOpaque())
    }
    return collector.pairs
}

private func collectField(
    context: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let context, let key else { return .YES }
    let collector = Unmanaged<FieldCollector>.fromOpaque(context).takeUnretainedValue()
    collector.pairs.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

private func clientAddress(_ connection: OpaquePointer) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
        guard portvakt_mhd_client_address(connection, buffer.baseAddress!, buffer.count) == 0 else { return "" }
        return String(cString: buffer.baseAddress!)
    }
}
