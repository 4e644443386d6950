import Authorization

/// The brute-force oracle: for every installed lock, every door it could follow from, and every
/// source of access, it checks the rules one by one. It is slow on purpose and shares no logic
/// with the store's query; schedules are plain sets of minutes of the week.
enum Oracle {
    /// A window's bounds.
    struct Bounds: Hashable {
        var start: Int64
        var end: Int64
    }

    /// Lock id → window bounds → allowed minutes of the week (`nil` for any time).
    typealias Answer = [String: [Bounds: Set<Int>?]]

    static func permissions(of key: Int64, from shiftStart: Int64, to shiftEnd: Int64, in city: CityModel) -> Answer {
        guard let record = city.keys[key], record.active, let employee = record.employee,
            let holder = city.employees[employee], holder.active
        else { return [:] }

        var answer: Answer = [:]
        let shift = CityModel.Dated(from: shiftStart, to: shiftEnd)
        for installation in city.installations {
            guard let door = city.doors[installation.door] else { continue }
            var reasons: [(periods: [CityModel.Dated], schedule: Set<Int>?)] = []

            // Doors whose access carries over to this one: itself, and for an entrance every
            // apartment door in the same building.
            var sources = [installation.door]
            if !door.isApartment {
                sources += city.doors.filter { $0.value.building == door.building && $0.value.isApartment }.map(\.key)
            }
            for source in sources {
                reasons += doorReasons(source, employee: employee, holder: holder, city: city)
            }
            let district = city.buildingDistrict[door.building]
            for grant in city.areaGrants where grant.employee == employee && grant.district == district {
                reasons.append(([grant.period], grant.schedule))
            }

            for reason in reasons {
                guard let bounds = intersect(reason.periods + [shift, installation.period]) else { continue }
                let existing = answer[installation.lock]?[bounds]
                switch existing {
                case .none:
                    answer[installation.lock, default: [:]][bounds] = .some(reason.schedule)
                case .some(let schedule):
                    if let schedule, let new = reason.schedule {
                        answer[installation.lock]![bounds] = .some(schedule.union(new))
                    } else {
                        answer[installation.lock]![bounds] = .some(nil)
                    }
                }
            }
        }
        return answer
    }

    /// Why the employee may open apartment door (or emergency door) `door`, as the periods that
    /// must all hold and the schedule.
    private static func doorReasons(
        _ door: Int64, employee: Int64, holder: CityModel.Employee, city: CityModel
    ) -> [(periods: [CityModel.Dated], schedule: Set<Int>?)] {
        var reasons: [(periods: [CityModel.Dated], schedule: Set<Int>?)] = []
        for emergency in city.emergencies where emergency.employee == employee && emergency.door == door {
            reasons.append(([emergency.period], nil))
        }
        for occupancy in city.occupancies where occupancy.door == door {
            for emergency in city.emergencies
            where emergency.employee == employee && emergency.recipient == occupancy.recipient {
                reasons.append(([emergency.period, occupancy.period], nil))
            }
            for grant in city.grants.values where grant.provider == holder.provider {
                guard reaches(grant, employee: employee, city: city) else { continue }
                guard grant.recipient == nil || grant.recipient == occupancy.recipient else { continue }
                for row in city.providerRows
                where row.recipient == occupancy.recipient && row.provider == grant.provider {
                    reasons.append(([grant.period, row.period, occupancy.period], grant.schedule))
                }
            }
        }
        return reasons
    }

    private static func reaches(_ grant: CityModel.Grant, employee: Int64, city: CityModel) -> Bool {
        if let subject = grant.employee { return subject == employee }
        if let team = grant.team { return city.teamMembers.contains([team, employee]) }
        return true
    }

    /// The common part of half-open periods, `nil` when empty.
    private static func intersect(_ periods: [CityModel.Dated]) -> Bounds? {
        var start = Int64.min
        var end = Int64.max
        for period in periods {
            start = max(start, period.from)
            if let to = period.to { end = min(end, to) }
        }
        return start < end ? Bounds(start: start, end: end) : nil
    }

    /// The store's answer in the oracle's terms.
    static func answer(from result: EffectivePermissions) -> Answer {
        var answer: Answer = [:]
        for permission in result.permissions {
            for window in permission.windows {
                let bounds = Bounds(start: window.start.millisecondsSinceEpoch, end: window.end.millisecondsSinceEpoch)
                answer[permission.lockID, default: [:]][bounds] = .some(window.schedule.map(minutes))
            }
        }
        return answer
    }

    /// Every minute of the week a schedule allows.
    static func minutes(_ schedule: WeeklySchedule) -> Set<Int> {
        var minutes: Set<Int> = []
        for interval in schedule.intervals {
            for minute in interval.start..<interval.end { minutes.insert(interval.day * 1440 + minute) }
        }
        return minutes
    }
}
