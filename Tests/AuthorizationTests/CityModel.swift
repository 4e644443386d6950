/// A plain in-memory copy of the access model, changed alongside the store by the scenarios.
///
/// It holds only what effective permissions depend on, in the simplest form: lists of records
/// with periods as optional ends. The oracle reads it; nothing here touches SQL.
struct CityModel {
    struct Employee {
        var provider: String
        var active = true
    }

    struct Key {
        var employee: Int64?
        var active = true
    }

    struct Dated {
        var from: Int64
        var to: Int64?
    }

    struct ProviderRow {
        var recipient: Int64
        var provider: String
        var period: Dated
    }

    struct Door {
        var building: Int64
        var isApartment: Bool
    }

    struct Occupancy {
        var door: Int64
        var recipient: Int64
        var period: Dated
    }

    struct Installation {
        var lock: String
        var door: Int64
        var period: Dated
    }

    struct Grant {
        var provider: String
        var employee: Int64?
        var team: Int64?
        var recipient: Int64?
        var period: Dated
        var schedule: Set<Int>?
    }

    struct AreaGrant {
        var employee: Int64
        var district: Int64
        var period: Dated
        var schedule: Set<Int>?
    }

    struct Emergency {
        var employee: Int64
        var recipient: Int64?
        var door: Int64?
        var period: Dated
    }

    var employees: [Int64: Employee] = [:]
    var teamProvider: [Int64: String] = [:]
    var teamMembers: Set<[Int64]> = []
    var keys: [Int64: Key] = [:]
    var providerRows: [ProviderRow] = []
    var buildingDistrict: [Int64: Int64] = [:]
    var doors: [Int64: Door] = [:]
    var occupancies: [Occupancy] = []
    var installations: [Installation] = []
    var grants: [Int64: Grant] = [:]
    var areaGrants: [AreaGrant] = []
    var emergencies: [Emergency] = []

    // MARK: Changes, written as the rules say them

    /// The current provider period ends at `time` and the new provider's begins.
    mutating func changeProvider(_ recipient: Int64, to provider: String, at time: Int64) {
        for index in providerRows.indices where providerRows[index].recipient == recipient {
            if providerRows[index].period.to == nil { providerRows[index].period.to = time }
        }
        providerRows.append(ProviderRow(recipient: recipient, provider: provider, period: Dated(from: time)))
    }

    mutating func moveOut(_ recipient: Int64, door: Int64, at time: Int64) {
        for index in occupancies.indices
        where occupancies[index].door == door && occupancies[index].recipient == recipient
            && occupancies[index].period.to == nil
        {
            occupancies[index].period.to = time
        }
    }

    mutating func replaceLock(_ old: String, with new: String, at time: Int64) {
        guard let index = installations.firstIndex(where: { $0.lock == old && $0.period.to == nil }) else { return }
        installations[index].period.to = time
        installations.append(Installation(lock: new, door: installations[index].door, period: Dated(from: time)))
    }

    /// A revoked grant ends now, or never starts when it had not started yet.
    mutating func revoke(_ grant: Int64, now: Int64) {
        guard var record = grants[grant] else { return }
        record.period.to = max(record.period.from, now)
        grants[grant] = record
    }
}
