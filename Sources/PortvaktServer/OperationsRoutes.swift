import HTTPServer
import Observability
import Storage

/// The endpoints operators and orchestrators poll: liveness, readiness and metrics.
///
/// They carry no personal data and need no sign-in, so a load balancer can reach them; put them
/// behind the reverse proxy's network rules if metrics should stay internal.
struct OperationsRoutes {
    let database: any Database
    let metrics: MetricsRegistry

    /// Process liveness and readiness answers.
    struct Health: Codable, Equatable {
        var status: String
        var database: String?
    }

    func register(in api: inout APIRouter) {
        let health = JSONSchema.object(
            ["status": .string(values: ["ok", "ready", "unavailable"]), "database": .string()], required: ["status"])
        api.addPublic(
            .get, "/healthz", summary: "The process is up",
            OpenAPIOperation(tag: "operations", id: "health", success: (.ok, health), authenticated: false)
        ) { _ in
            try .json(Health(status: "ok"))
        }
        let database = self.database
        api.addPublic(
            .get, "/readyz", summary: "The process can serve: its database answers",
            OpenAPIOperation(tag: "operations", id: "readiness", success: (.ok, health), authenticated: false)
        ) { _ in
            do throws(StorageError) {
                try database.ping()
            } catch {
                return try .json(
                    Health(status: "unavailable", database: error.code.rawValue), status: .serviceUnavailable)
            }
            return try .json(Health(status: "ready", database: "ok"))
        }
        let metrics = self.metrics
        api.addUndocumented(.get, "/metrics", summary: "Metrics in the Prometheus text format") { _ in
            .text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
