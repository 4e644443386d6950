import Authorization
import HTTPServer

extension HTTPRequest {
    /// The route parameter `name` as a typed access-model id.
    /// - Throws: `HTTPError` 404 when it is not a whole number, as for any id that does not exist.
    func entityID<Entity>(_ name: String, _ what: String) throws -> EntityID<Entity> {
        let text = try parameter(name)
        guard let value = Int64(text), value > 0 else {
            throw HTTPError(.notFound, detail: "there is no \(what) \(text) you can see")
        }
        return EntityID(value)
    }

    /// The query parameter `name` as a whole number within `range`, or `nil` when absent.
    /// - Throws: `HTTPError` 400 naming the parameter when it is not such a number.
    func integerQuery(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = query[name] else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            let message = "a whole number from \(range.lowerBound) to \(range.upperBound)"
            throw HTTPError(
                .badRequest, title: "Invalid query parameter", detail: "\(name) must be \(message)",
                errors: [.init(field: name, message: message)])
        }
        return value
    }

    /// The query parameter `name` as `true` or `false`, or `nil` when absent.
    /// - Throws: `HTTPError` 400 naming the parameter when it is something else.
    func booleanQuery(_ name: String) throws -> Bool? {
        switch query[name] {
        case nil: return nil
        case "true": return true
        case "false": return false
        default:
            throw HTTPError(
                .badRequest, title: "Invalid query parameter", detail: "\(name) must be true or false",
                errors: [.init(field: name, message: "true or false")])
        }
    }
}
