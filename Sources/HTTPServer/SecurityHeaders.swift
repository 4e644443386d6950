/// Headers added to every response so that browsers treat Portvakt's pages and API answers as
/// strictly as possible: no sniffing, no framing, no referrers, no caching of personal data.
enum SecurityHeaders {
    /// Sent on every response.
    static let fixed: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    /// Sent unless the handler chose its own policy.
    static let contentSecurityPolicy =
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    static func apply(to headers: inout HTTPHeaders, strictTransportSecurity: Bool) {
        for (name, value) in fixed { headers.add(name, value) }
        if !headers.contains("Content-Security-Policy") {
            headers.add("Content-Security-Policy", contentSecurityPolicy)
        }
        if !headers.contains("Cache-Control") {
            headers.add("Cache-Control", "no-store")
        }
        if strictTransportSecurity {
            headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        }
    }
}
