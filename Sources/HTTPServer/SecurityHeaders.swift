import CMicroHTTPD

/// Headers added to every response so that browsers treat Portvakt's pages and API answers as
/// strictly as possible: no sniffing, no framing, no referrers, no caching of personal data.
///
/// They are kept as C strings made once, because they go on every response and converting
/// them each time showed up in profiles.
enum SecurityHeaders {
    /// A header name and value as NUL-terminated bytes.
    struct Field: Sendable {
        let name: [CChar]
        let value: [CChar]

        init(_ name: String, _ value: String) {
            self.name = Array(name.utf8CString)
            self.value = Array(value.utf8CString)
        }
    }

    /// Sent on every response.
    static let fixed: [Field] = [
        Field("X-Content-Type-Options", "nosniff"),
        Field("X-Frame-Options", "DENY"),
        Field("Referrer-Policy", "no-referrer"),
        Field("Cross-Origin-Opener-Policy", "same-origin"),
        Field("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    /// Sent unless the handler chose its own policy.
    static let contentSecurityPolicy = Field(
        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

    /// Sent unless the handler chose its own caching.
    static let noStore = Field("Cache-Control", "no-store")

    /// Sent when Portvakt is reached over HTTPS (`http.hsts`).
    static let strictTransportSecurity = Field("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

    /// Adds the security headers to a libmicrohttpd response.
    static func add(to response: OpaquePointer, headers: HTTPHeaders, strictTransportSecurity hsts: Bool) {
        for field in fixed { add(field, to: response) }
        if !headers.contains("Content-Security-Policy") { add(contentSecurityPolicy, to: response) }
        if !headers.contains("Cache-Control") { add(noStore, to: response) }
        if hsts { add(strictTransportSecurity, to: response) }
    }

    private static func add(_ field: Field, to response: OpaquePointer) {
        field.name.withUnsafeBufferPointer { name in
            field.value.withUnsafeBufferPointer { value in
                _ = MHD_add_response_header(response, name.baseAddress, value.baseAddress)
            }
        }
    }
}
