import HTTPServer

/// Routes that describe the server itself: a landing page and the API version.
struct InfoRoutes {
    /// What `GET /api/v1/version` answers.
    struct VersionInfo: Codable, Equatable {
        var name: String
        var version: String
        var api: String
    }

    func register(in api: inout APIRouter) {
        let info = VersionInfo(name: "Portvakt", version: PortvaktVersion.current, api: PortvaktVersion.api)
        api.addPublic(
            .get, "/api/v1/version", summary: "Server name and version",
            OpenAPIOperation(
                tag: "operations", id: "version",
                success: (
                    .ok,
                    .object(
                        ["name": .string(), "version": .string(), "api": .string()],
                        required: ["name", "version", "api"])
                ), authenticated: false)
        ) { _ in
            try .json(info)
        }
        api.addUndocumented(.get, "/", summary: "Landing page") { _ in
            .text(LandingPage.html, contentType: "text/html; charset=utf-8")
        }
    }
}

/// The page a person sees when opening the server's address in a browser.
enum LandingPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Portvakt</title>
        </head>
        <body>
        <main>
        <h1>Portvakt</h1>
        <p>The authorization server for digital locks in home care is running.</p>
        <ul>
        <li><a href="/healthz">/healthz</a>: the process is up</li>
        <li><a href="/readyz">/readyz</a>: the database answers</li>
        <li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
        <li><a href="/api/v1/version">/api/v1/version</a>: server version</li>
        </ul>
        </main>
        </body>
        </html>
        """
}
