import Accounts
import Authorization
import Foundation
import HTTPServer
import Observability
import Storage

/// `/api/v1/employees`: a provider's administrators register and update their staff; planners
/// and auditors read them; the central unit does all of this for any provider.
struct EmployeeRoutes {
    let database: any Database
    let now: @Sendable () -> Int64

    /// An employee as the API shows it.
    struct Employee: Codable, Equatable {
        var id: String
        var organisationID: String
        var employeeNumber: String
        var displayName: String
        var active: Bool

        /// A strong validator of this representation, sent as `ETag` and expected in `If-Match`.
        var entityTag: String {
            // FNV-1a over the fields; it only has to change when the representation does.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            let fields = [id, organisationID, employeeNumber, displayName, active ? "1" : "0"]
            for byte in fields.joined(separator: "\u{1F}").utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            let hex = String(hash, radix: 16)
            return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
        }
    }

    /// What a client sends to register an employee.
    struct CreateRequest: Codable {
        var employeeNumber: String
        var displayName: String
        /// The provider; defaults to the caller's own, and a central administrator must name one.
        var organisationID: String?
    }

    /// What a client sends to change an employee; absent fields stay as they are.
    struct UpdateRequest: Codable {
        var displayName: String?
        /// Only `false` is accepted: an employee who stopped working is not brought back.
        var active: Bool?
    }

    /// A page of employees.
    typealias Page = APIPage<Employee>

    static let writers = Role.administrators
    static let readers = Role.staffReaders

    func register(in api: inout APIRouter) {
        api.define(
            "Employee",
            .object(
                [
                    "id": .string(pattern: "^[0-9]+$"), "organisationID": .string(), "employeeNumber": .string(),
                    "displayName": .string(), "active": .boolean,
                ], required: ["id", "organisationID", "employeeNumber", "displayName", "active"]))

        let routes = self
        let idempotency = Idempotency(database: database, now: now)
        api.add(
            .post, "/api/v1/employees", summary: "Register an employee", roles: Self.writers,
            OpenAPIOperation(
                tag: "staff", id: "createEmployee", headers: [Idempotency.parameter],
                body: .object(
                    [
                        "employeeNumber": .string(minLength: 1, maxLength: 50),
                        "displayName": .string(minLength: 1, maxLength: 100), "organisationID": .string(),
                    ], required: ["employeeNumber", "displayName"], additional: true),
                success: (.created, .reference("Employee")), errors: [.notFound, .conflict, .unprocessableContent]),
            handler: idempotency.wrap { try routes.create($0, $1) })
        api.add(
            .get, "/api/v1/employees", summary: "List a provider's employees", roles: Self.readers,
            OpenAPIOperation(
                tag: "staff", id: "listEmployees",
                query: [
                    .init(
                        "organisation", .string(), "the provider; the caller's own, or all for the central unit"),
                    .init("active", .string(values: ["true", "false"]), "only active or only former employees"),
                    .init("after", .integer(minimum: 0), "return employees after this id (the `next` cursor)"),
                    .init("limit", .integer(minimum: 1, maximum: 500), "employees per page, 100 by default"),
                ],
                success: (
                    .ok, .object(["items": .array(.reference("Employee")), "next": .string()], required: ["items"])
                ))
        ) { try routes.list($0, $1) }
        api.add(
            .get, "/api/v1/employees/:id", summary: "Read an employee", roles: Self.readers,
            OpenAPIOperation(
                tag: "staff", id: "getEmployee", success: (.ok, .reference("Employee")), errors: [.notFound])
        ) { try routes.show($0, $1) }
        api.add(
            .patch, "/api/v1/employees/:id", summary: "Rename or deactivate an employee (needs If-Match)",
            roles: Self.writers,
            OpenAPIOperation(
                tag: "staff", id: "updateEmployee",
                headers: [
                    .init("If-Match", .string(), "the ETag from reading the employee; without it the answer is 428")
                ],
                body: .object(
                    ["displayName": .string(minLength: 1, maxLength: 100), "active": .boolean], required: [],
                    additional: true),
                success: (.ok, .reference("Employee")),
                errors: [.notFound, .preconditionFailed, .unprocessableContent, .preconditionRequired])
        ) { try routes.update($0, $1) }
    }

    private func create(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let body = try request.decode(CreateRequest.self)
        let organisationID = body.organisationID ?? principal.organisationID
        var errors: [ProblemDetails.FieldError] = []
        let number = body.employeeNumber.trimmingCharacters(in: .whitespaces)
        if number.isEmpty || number.schemaLength > 50 {
            errors.append(
                .init(field: "employeeNumber", message: "give the provider's employee number, 1 to 50 characters"))
        }
        let name = body.displayName.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.schemaLength > 100 {
            errors.append(.init(field: "displayName", message: "give a name of 1 to 100 characters"))
        }
        guard principal.mayRead(organisation: organisationID) else {
            throw HTTPError(.notFound, detail: "there is no provider \(organisationID) you can manage")
        }
        if principal.isCentral && body.organisationID == nil {
            errors.append(.init(field: "organisationID", message: "name the provider the employee works for"))
        }
        try Self.refuse(errors, "Invalid employee")

        let store = AccessStore(database: database)
        let employee = try database.write { connection in
            let id: EmployeeID
            do {
                id = try store.registerEmployee(
                    provider: organisationID, number: number, displayName: name, in: connection)
            } catch let error as AccessError where error.code == .wrongOrganisationKind {
                throw HTTPError(
                    .unprocessableContent, title: "Invalid employee", detail: error.message,
                    errors: [.init(field: "organisationID", message: "employees belong to a care provider")])
            }
            let employee = Employee(
                id: String(id.rawValue), organisationID: organisationID, employeeNumber: number, displayName: name,
                active: true)
            try ChangeRecorder(principal: principal, now: now).record(
                "employee.create", "employee", id: employee.id, organisationID: organisationID, before: nil,
                after: employee, in: connection)
            return employee
        }
        return try Self.response(employee, status: .created)
    }

    private func list(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let after = try request.integerQuery("after", in: 0...Int64.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...500) ?? 100
        let active = try request.booleanQuery("active")
        let organisationID = principal.isCentral ? request.query["organisation"] : principal.organisationID
        if let requested = request.query["organisation"], !principal.mayRead(organisation: requested) {
            return try .json(Page(items: []))
        }
        let items = try database.read { connection in
            try connection.execute(
                """
                SELECT id, provider_id, employee_number, display_name, active FROM employees
                WHERE id > $1 AND (CAST($2 AS TEXT) IS NULL OR provider_id = $2)
                    AND (CAST($3 AS BIGINT) IS NULL OR active = $3)
                ORDER BY id LIMIT $4
                """,
                [.integer(after), .text(organisationID), active.map { .integer($0 ? 1 : 0) } ?? .null, .integer(limit)]
            ).map(Self.employee)
        }
        return try .json(Page(items: items, limit: limit) { $0.id })
    }

    private func show(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: EmployeeID = try request.entityID("id", "employee")
        let employee = try database.read { connection in
            try Self.find(id, scope: principal.scope, lock: false, connection)
        }
        return try Self.response(employee)
    }

    private func update(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let id: EmployeeID = try request.entityID("id", "employee")
        let store = AccessStore(database: database)
        let updated = try database.write { connection in
            let before = try Self.find(id, scope: principal.scope, lock: true, connection)
            // An invalid body is refused before the precondition, so that a 412 always means
            // that an otherwise acceptable change came too late.
            let body = try request.decode(UpdateRequest.self)
            var after = before
            var errors: [ProblemDetails.FieldError] = []
            if let displayName = body.displayName {
                let name = displayName.trimmingCharacters(in: .whitespaces)
                if name.isEmpty || name.schemaLength > 100 {
                    errors.append(.init(field: "displayName", message: "give a name of 1 to 100 characters"))
                }
                after.displayName = name
            }
            if body.active == true && !before.active {
                errors.append(.init(field: "active", message: "a former employee cannot be made active again"))
            }
            try Self.refuse(errors, "Invalid employee change")
            guard let condition = request.headers["If-Match"] else {
                throw HTTPError(
                    .preconditionRequired,
                    detail: "send If-Match with the ETag of the employee as you last read it, so no change is lost")
            }
            let tags = condition.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard tags.contains("*") || tags.contains(before.entityTag) else {
                throw HTTPError(
                    .preconditionFailed,
                    detail: "the employee changed since you read it; read it again and repeat your change")
            }
            if after.displayName != before.displayName {
                try store.renameEmployee(id, to: after.displayName, in: connection)
            }
            if body.active == false && before.active {
                try store.deactivateEmployee(id, in: connection)
                after.active = false
            }
            if after != before {
                try ChangeRecorder(principal: principal, now: now).record(
                    "employee.update", "employee", id: before.id, organisationID: before.organisationID,
                    before: before, after: after, in: connection)
            }
            return after
        }
        return try Self.response(updated)
    }

    /// Reads an employee within `scope`; another provider's employee is as missing as a deleted one.
    static func find(_ id: EmployeeID, scope: String?, lock: Bool, _ connection: any SQLConnection) throws
        -> Employee
    {
        // On PostgreSQL the row is locked so that the If-Match check and the update see one version.
        let forUpdate = lock && connection.dialect == .postgres ? " FOR UPDATE" : ""
        let row = try connection.first(
            """
            SELECT id, provider_id, employee_number, display_name, active FROM employees
            WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR provider_id = $2)
            """ + forUpdate, [.integer(id.rawValue), .text(scope)])
        guard let row else { throw HTTPError(.notFound, detail: "there is no employee \(id) you can see") }
        return try employee(row)
    }

    /// An employee from a row with `id`, `provider_id`, `employee_number`, `display_name`, `active`.
    static func employee(_ row: SQLRow) throws -> Employee {
        Employee(
            id: String(try row.integer("id")), organisationID: try row.text("provider_id"),
            employeeNumber: try row.text("employee_number"), displayName: try row.text("display_name"),
            active: try row.integer("active") == 1)
    }

    private static func response(_ employee: Employee, status: HTTPStatus = .ok) throws -> HTTPResponse {
        var response = try HTTPResponse.json(employee, status: status)
        response.headers.set("ETag", employee.entityTag)
        return response
    }

    /// Throws a 422 naming every invalid field, when there are any.
    static func refuse(_ errors: [ProblemDetails.FieldError], _ title: String) throws {
        guard !errors.isEmpty else { return }
        throw HTTPError(
            .unprocessableContent, title: title, detail: errors.map(\.message).joined(separator: "; "), errors: errors)
    }
}
