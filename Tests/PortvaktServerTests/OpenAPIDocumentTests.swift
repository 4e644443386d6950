import Foundation
import HTTPServer
import PortvaktServer
import PortvaktTesting
import Testing

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("every API route is described, with its method, and every reference resolves")
    func complete() throws {
        try TestBackend.sqlite.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            let response = try harness.get("/api/v1/openapi.json")
            #expect(response.status == 200)
            let document = try #require(response.json)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])

            let undocumented: Set<String> = ["/", "/metrics"]
            for route in try harness.app.makeRouter().routes where !undocumented.contains(route.pattern) {
                let path = route.pattern.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                let operation = paths[path]?[route.method.rawValue.lowercased()] as? [String: Any]
                #expect(operation != nil, "\(route.method) \(route.pattern) is not in the document")
                #expect((operation?["responses"] as? [String: Any])?.isEmpty == false)
            }

            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let text = response.text
            var references: Set<String> = []
            var remaining = text[...]
            while let range = remaining.range(of: "\"#/components/schemas/") {
                let name = remaining[range.upperBound...].prefix { $0 != "\"" }
                references.insert(String(name))
                remaining = remaining[range.upperBound...]
            }
            #expect(!references.isEmpty)
            for name in references {
                #expect(schemas[name] != nil, "\(name) is referenced but not defined")
            }
        }
    }

    @Test("token routes require a bearer token and health does not")
    func security() throws {
        try TestBackend.sqlite.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            let paths = try #require(try harness.get("/api/v1/openapi.json").json?["paths"] as? [String: [String: Any]])
            let tokens = paths["/api/v1/tokens"]?["get"] as? [String: Any]
            #expect((tokens?["security"] as? [[String: Any]])?.first?["bearer"] != nil)
            #expect((tokens?["responses"] as? [String: Any])?["401"] != nil)
            let health = paths["/healthz"]?["get"] as? [String: Any]
            #expect((health?["security"] as? [Any])?.isEmpty == true)
        }
    }
}
