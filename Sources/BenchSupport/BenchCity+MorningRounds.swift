extension BenchCity {
    /// Recipients a round team's grant covers: with their entrances about 200 locks.
    static let roundRecipients = 100
    /// Employees in one round team.
    static let roundTeamSize = 10
    /// First districts of the pairs whose doors number at most 4,000, what a key holds (the
    /// pairs are `d` and `d % 12 + 1`; the others reach 4,001 or 4,002).
    static let fittingDistrictPairs: [Int64] = [1, 6, 7, 8, 9, 10, 11, 12]

    /// The morning-rounds grants: each provider's staff in teams of ten, each team granted about a
    /// hundred of the provider's recipients (those with an entrance lock where there are enough) from 07:00 to
    /// 22:00; then `wideKeys` extra employees, spread over the providers, with area grants over
    /// two neighbouring districts at all hours.
    mutating func addMorningRounds(recipientsOf: [String: [Int64]], wideKeys: Int, now: Int64) {
        let withEntrance = Set(recipientsWithEntrance)
        let staff = providerOfEmployee.keys.sorted()
        var staffOf: [String: [Int64]] = [:]
        for employee in staff { staffOf[providerOfEmployee[employee]!, default: []].append(employee) }

        var team: Int64 = 0
        for index in 0..<Self.providers {
            let provider = Self.provider(index)
            let served = recipientsOf[provider] ?? []
            let entered = served.filter { withEntrance.contains($0) }
            let others = served.filter { !withEntrance.contains($0) }
            let members = staffOf[provider] ?? []
            for start in stride(from: 0, to: members.count, by: Self.roundTeamSize) {
                team += 1
                add("teams", "id, provider_id, name", ["\(team)", "'\(provider)'", "'round \(team)'"])
                for recipient in sample(Self.roundRecipients, from: entered, else: others) {
                    add(
                        "grants", "provider_id, team_id, recipient_id, valid_from, schedule_id, created_at",
                        ["'\(provider)'", "\(team)", "\(recipient)", "\(now - 86_400_000)", "1", "\(now)"])
                }
                for employee in members[start..<min(members.count, start + Self.roundTeamSize)] {
                    add("team_members", "team_id, employee_id", ["\(team)", "\(employee)"])
                    roundStaff.append(employee)
                }
            }
        }

        var employee = (staff.last ?? 0)
        for index in 0..<wideKeys {
            employee += 1
            addEmployee(employee, provider: Self.provider(index % Self.providers), number: "wide\(index)", now: now)
            wideStaff.append(employee)
            let first = Self.fittingDistrictPairs[index % Self.fittingDistrictPairs.count]
            for district in [first, first % Int64(Self.districts) + 1] {
                add(
                    "area_grants", "employee_id, district_id, valid_from, created_at",
                    ["\(employee)", "\(district)", "\(now - 86_400_000)", "\(now)"])
            }
        }
    }

    /// `count` distinct members of `preferred` picked at random, or all of them and then members
    /// of `rest` when `preferred` has too few.
    private mutating func sample(_ count: Int, from preferred: [Int64], else rest: [Int64]) -> [Int64] {
        var picked: [Int64] = []
        for var pool in [preferred, rest] {
            var remaining = pool.count
            while picked.count < count, remaining > 0 {
                let index = Int(rng.below(UInt64(remaining)))
                picked.append(pool[index])
                pool.swapAt(index, remaining - 1)
                remaining -= 1
            }
        }
        return picked
    }
}
