import Accounts
import HTTPServer
import Storage

/// Makes a creating `POST` safe to repeat: a client that sends an `Idempotency-Key` header and
/// gets no answer (a dropped connection, a timeout) sends the same request again with the same
/// key and receives the first answer instead of creating a second object.
///
/// Each principal's keys are its own. The first successful response (status, headers, body) is
/// stored for a day, or less when `retention.idempotency_hours` is lower; a repeat with the same
/// method, path and body gets it back, a repeat with anything else gets 422. Refused requests
/// are not stored, so a client may correct and resend one under the same key. While the first
/// request is still running, a repeat gets 409.
struct Idempotency {
    let database: any Database
    let now: @Sendable () -> Int64

    /// The request header that carries the key.
    static let header = "Idempotency-Key"
    /// How long a stored response is replayed.
    static let lifetime: Int64 = 24 * 3600 * 1000
    /// After this long a request that never finished (its server stopped) no longer holds its key.
    static let abandonedAfter: Int64 = 60 * 1000

    /// The header as the OpenAPI document describes it.
    static let parameter = OpenAPIOperation.Query(
        header, .string(minLength: 1, maxLength: 100),
        "a key of 1 to 100 characters; a repeat with the same key and body gets the first response again")

    /// The table of stored responses; a status of 0 marks a request still running.
    static let migration = Migration(
        version: 22, name: "idempotency keys",
        sql: """
            CREATE TABLE idempotency_records (
                principal_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                status BIGINT NOT NULL,
                response_headers TEXT NOT NULL,
                response_body TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (principal_id, idempotency_key)
            );
            CREATE INDEX idempotency_records_created ON idempotency_records (created_at);
            """)

    /// Wraps a handler so that requests carrying the header are answered at most once.
    func wrap(_ handler: @escaping APIRouter.Handler) -> APIRouter.Handler {
        let idempotency = self
        return { request, principal in try idempotency.handle(request, principal, handler) }
    }

    private func handle(_ request: HTTPRequest, _ principal: Principal, _ handler: APIRouter.Handler) throws
        -> HTTPResponse
    {
        guard let key = request.headers[Self.header] else { return try handler(request, principal) }
        guard (1...100).contains(key.count) else {
            let message = "an idempotency key has 1 to 100 characters"
            throw HTTPError(
                .badRequest, title: "Invalid header", detail: message,
                errors: [.init(field: Self.header, message: message)])
        }
        // A body that is not UTF-8 matches nothing stored; such a body is refused anyway.
        let body = String(validating: request.body, as: UTF8.self) ?? "\u{0}invalid \(request.id)"
        let fingerprint = "\(request.method.rawValue) \(request.path)\n\(body)"
        if let replay = try reserve(key, for: principal, fingerprint: fingerprint) { return replay }

        let response: HTTPResponse
        do {
            response = try handler(request, principal)
        } catch {
            try? release(key, for: principal)
            throw error
        }
        if (200..<300).contains(response.status.code) {
            // Known limitation: the response is stored after the handler's transaction commits,
            // not in it, so a crash in between leaves the key unresolved; see docs/limitations.md.
            try store(response, key, for: principal)
        } else {
            try release(key, for: principal)
        }
        return response
    }

    /// Claims the key for this request, or returns the stored response to replay.
    private func reserve(_ key: String, for principal: Principal, fingerprint: String) throws -> HTTPResponse? {
        let now = self.now()
        return try database.write { connection in
            try connection.execute(
                "DELETE FROM idempotency_records WHERE created_at < $1", [.integer(now - Self.lifetime)])
            let existing = try connection.first(
                """
                SELECT fingerprint, status, response_headers, response_body, created_at FROM idempotency_records
                WHERE principal_id = $1 AND idempotency_key = $2
                """, [.text(principal.id), .text(key)])
            guard let existing else {
                try connection.execute(
                    """
                    INSERT INTO idempotency_records (principal_id, idempotency_key, fingerprint, status,
                        response_headers, response_body, created_at) VALUES ($1, $2, $3, 0, '', '', $4)
                    """, [.text(principal.id), .text(key), .text(fingerprint), .integer(now)])
                return nil
            }
            guard try existing.text("fingerprint") == fingerprint else {
                let message = "this idempotency key was used for a different request; use a new key for a new request"
                throw HTTPError(
                    .unprocessableContent, title: "Idempotency key reused", detail: message,
                    errors: [.init(field: Self.header, message: message)])
            }
            let status = Int(try existing.integer("status"))
            guard status != 0 else {
                guard try existing.integer("created_at") < now - Self.abandonedAfter else {
                    throw HTTPError(
                        .conflict, detail: "the first request with this idempotency key is still running; try again")
                }
                try connection.execute(
                    "UPDATE idempotency_records SET created_at = $3 WHERE principal_id = $1 AND idempotency_key = $2",
                    [.text(principal.id), .text(key), .integer(now)])
                return nil
            }
            var headers = HTTPHeaders()
            for line in try existing.text("response_headers").split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]))
            }
            headers.set("Idempotent-Replayed", "true")
            return HTTPResponse(
                status: status == 201 ? .created : HTTPStatus(status, status == 200 ? "OK" : "Success"),
                headers: headers, body: Array(try existing.text("response_body").utf8))
        }
    }

    private func store(_ response: HTTPResponse, _ key: String, for principal: Principal) throws {
        let headers = response.headers.map { "\($0.name):\($0.value)" }.joined(separator: "\n")
        try database.write { connection in
            try connection.execute(
                """
                UPDATE idempotency_records SET status = $3, response_headers = $4, response_body = $5
                WHERE principal_id = $1 AND idempotency_key = $2
                """,
                [
                    .text(principal.id), .text(key), .integer(Int64(response.status.code)), .text(headers),
                    .text(String(decoding: response.body, as: UTF8.self)),
                ])
        }
    }

    private func release(_ key: String, for principal: Principal) throws {
        try database.write { connection in
            try connection.execute(
                "DELETE FROM idempotency_records WHERE principal_id = $1 AND idempotency_key = $2 AND status = 0",
                [.text(principal.id), .text(key)])
        }
    }
}
