import HTTPServer
import Testing

@Suite("Router")
struct RouterTests {
    private func router() -> Router {
        var router = Router()
        router.add(.get, "/keys/:id") { _ in .empty() }
        router.add(.get, "/keys/lost") { _ in .empty() }
        router.add(.delete, "/keys/:id") { _ in .empty() }
        router.add(.get, "/orgs/:org/staff/:staff") { _ in .empty() }
        return router
    }

    @Test("a path parameter is bound by name")
    func parameterBound() {
        guard case .found(let route, let parameters) = router().match(.get, "/orgs/o1/staff/s9") else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern == "/orgs/:org/staff/:staff")
        #expect(parameters == ["org": "o1", "staff": "s9"])
    }

    @Test("a literal segment wins over a parameter")
    func literalWins() {
        guard case .found(let route, _) = router().match(.get, "/keys/lost") else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern == "/keys/lost")
    }

    @Test("a known path with another method lists the allowed methods")
    func methodNotAllowed() {
        guard case .methodNotAllowed(let allowed) = router().match(.post, "/keys/k1") else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == [.get, .delete, .head])
    }

    @Test("a literal route matches with or without a trailing slash, and HEAD finds it too")
    func literalVariants() {
        let router = router()
        for (method, path) in [(HTTPMethod.get, "/keys/lost"), (.get, "/keys/lost/"), (.head, "/keys/lost")] {
            guard case .found(let route, let parameters) = router.match(method, path) else {
                Issue.record("\(method) \(path) did not match")
                continue
            }
            #expect(route.pattern == "/keys/lost")
            #expect(parameters.isEmpty)
        }
    }

    @Test("HEAD is answered by the GET route")
    func headUsesGet() {
        guard case .found(let route, _) = router().match(.head, "/keys/k1") else {
            Issue.record("no match")
            return
        }
        #expect(route.method == .get)
    }

    @Test("unknown paths, extra segments and empty parameters do not match")
    func notFound() {
        let router = router()
        for path in ["/nothing", "/keys", "/keys/k1/extra", "/orgs//staff/s1"] {
            guard case .notFound = router.match(.get, path) else {
                Issue.record("\(path) should not match")
                continue
            }
        }
    }
}
