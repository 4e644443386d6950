import Accounts
import Audit
import Foundation
import HTTPServer
import Storage

/// Creates API tokens outside the API, for the first administrator of a new installation and
/// for the demo. Each creation is recorded in the audit trail with the operating-system user as
/// the actor, since there is no principal yet.
public enum BootstrapTokens {
    /// Creates a token and records who created it.
    public static func create(
        organisationID: String, role: Role, name: String, days: Int, database: any Database, now: Int64,
        actor: String = "cli:" + ProcessInfo.processInfo.userName
    ) throws -> IssuedToken {
        try database.write { connection in
            guard
                let kind = try connection.first(
                    "SELECT kind FROM organisations WHERE id = $1", [.text(organisationID)])?.text("kind")
            else { throw BootstrapError.unknownOrganisation(organisationID) }
            guard role.isCentral == (kind == "central") else {
                throw BootstrapError.roleDoesNotFit(role: role.rawValue, kind: kind)
            }
            let issued = try TokenStore(database: database).create(
                organisationID: organisationID, role: role, name: name, lifetime: .seconds(days * 24 * 3600), now: now,
                in: connection)
            let after = String(decoding: try JSONBodyEncoder().encode(issued.token), as: UTF8.self)
            let change = AuditChange(
                actorID: actor, actorOrganisationID: organisationID, organisationID: organisationID,
                action: "api_token.create", objectType: "api_token", objectID: issued.token.id, before: nil,
                after: after)
            try AuditTrail().append(change, at: now, in: connection)
            return issued
        }
    }
}

/// Why a bootstrap token could not be created.
public enum BootstrapError: Error, CustomStringConvertible {
    case unknownOrganisation(String)
    case roleDoesNotFit(role: String, kind: String)

    public var description: String {
        switch self {
        case .unknownOrganisation(let id):
            "there is no organisation \(id)"
        case .roleDoesNotFit(let role, let kind):
            "the role \(role) does not belong to a \(kind) organisation"
        }
    }
}
