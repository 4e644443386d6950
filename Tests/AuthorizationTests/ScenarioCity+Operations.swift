import Authorization

extension ScenarioCity {
    /// Applies one random change, weighted towards the ones the issue names.
    mutating func randomOperation() throws {
        switch Int.random(in: 0..<16, using: &rng) {
        case 0, 1: try changeProvider()
        case 2: try move()
        case 3: try moveInSecondDoor()
        case 4: try moveOut()
        case 5: try replaceLock()
        case 6: try loseKey()
        case 7: try replaceKey()
        case 8: try changeTeam()
        case 9, 10, 11: try providerGrant()
        case 12: try revokeGrant()
        case 13: try areaGrant()
        case 14: try emergencyGrant()
        default: try reassignOrDeactivate()
        }
    }

    mutating func changeProvider() throws {
        let recipient = recipients.randomElement(using: &rng)!
        let provider = providers.randomElement(using: &rng)!
        let time = randomTime()
        if try attempt(
            "provider change of \(recipient) to \(provider) at \(time)",
            {
                try $0.changeProvider(of: recipient, to: provider, effective: time.wall)
            })
        {
            model.changeProvider(recipient.rawValue, to: provider, at: time)
        }
    }

    mutating func move() throws {
        guard let home = model.occupancies.filter({ $0.period.to == nil }).randomElement(using: &rng) else { return }
        let target = apartments.randomElement(using: &rng)!
        let time = randomTime()
        let recipient = RecipientID(home.recipient)
        if try attempt(
            "move of \(recipient) from \(home.door) to \(target) at \(time)",
            {
                try $0.move(recipient, from: DoorID(home.door), to: target, at: time.wall)
            })
        {
            model.moveOut(home.recipient, door: home.door, at: time)
            model.occupancies.append(.init(door: target.rawValue, recipient: home.recipient, period: .init(from: time)))
        }
    }

    mutating func moveInSecondDoor() throws {
        let recipient = recipients.randomElement(using: &rng)!
        let door = apartments.randomElement(using: &rng)!
        let time = randomTime()
        if try attempt(
            "\(recipient) also lives behind \(door) from \(time)",
            {
                try $0.moveIn(recipient, door: door, from: time.wall)
            })
        {
            model.occupancies.append(
                .init(door: door.rawValue, recipient: recipient.rawValue, period: .init(from: time)))
        }
    }

    mutating func moveOut() throws {
        guard let home = model.occupancies.filter({ $0.period.to == nil }).randomElement(using: &rng) else { return }
        let time = randomTime()
        if try attempt(
            "\(home.recipient) moves out of \(home.door) at \(time)",
            {
                try $0.moveOut(RecipientID(home.recipient), door: DoorID(home.door), at: time.wall)
            })
        {
            model.moveOut(home.recipient, door: home.door, at: time)
        }
    }

    mutating func replaceLock() throws {
        guard let old = model.installations.filter({ $0.period.to == nil }).randomElement(using: &rng) else { return }
        let new = "L\(old.door)-\(nextSerial())"
        let time = randomTime()
        if try attempt(
            "lock \(old.lock) replaced by \(new) at \(time)",
            {
                try $0.replaceLock(old.lock, with: new, at: time.wall)
            })
        {
            model.replaceLock(old.lock, with: new, at: time)
        }
    }

    mutating func loseKey() throws {
        let key = keys.randomElement(using: &rng)!
        if try attempt("key \(key) lost", { try $0.reportKeyLost(key) }) {
            model.keys[key.rawValue]?.active = false
        }
    }

    mutating func replaceKey() throws {
        let key = keys.randomElement(using: &rng)!
        let serial = nextSerial()
        var replacement: KeyID?
        if try attempt(
            "key \(key) replaced by \(serial)", { replacement = try $0.replaceKey(key, withSerial: serial) }),
            let replacement
        {
            model.keys[key.rawValue]?.active = false
            model.keys[replacement.rawValue] = .init(employee: model.keys[key.rawValue]?.employee)
            keys.append(replacement)
        }
    }

    mutating func changeTeam() throws {
        let team = teams.randomElement(using: &rng)!
        let employee = employees.randomElement(using: &rng)!
        if Bool.random(using: &rng) {
            if try attempt("\(employee) joins team \(team)", { try $0.addMember(employee, toTeam: team) }) {
                model.teamMembers.insert([team.rawValue, employee.rawValue])
            }
        } else if try attempt("\(employee) leaves team \(team)", { try $0.removeMember(employee, fromTeam: team) }) {
            model.teamMembers.remove([team.rawValue, employee.rawValue])
        }
    }

    mutating func providerGrant() throws {
        let provider = providers.randomElement(using: &rng)!
        let subject: GrantSubject
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: subject = .allStaff
        case 1: subject = .team(teams.randomElement(using: &rng)!)
        default: subject = .employee(employees.randomElement(using: &rng)!)
        }
        let target: GrantTarget =
            Int.random(in: 0..<3, using: &rng) == 0
            ? .allRecipients : .recipient(recipients.randomElement(using: &rng)!)
        let period = randomPeriod()
        let schedule = randomSchedule()
        let grant = ProviderGrant(
            provider: provider, subject: subject, target: target,
            validity: Period(start: period.from.wall, end: period.to?.wall),
            schedule: schedule)
        var id: GrantID?
        if try attempt("grant \(grant)", { id = try $0.grant(grant) }), let id {
            grants.append((id, provider))
            var record = CityModel.Grant(provider: provider, period: period, schedule: schedule.map(Oracle.minutes))
            switch subject {
            case .employee(let employee): record.employee = employee.rawValue
            case .team(let team): record.team = team.rawValue
            case .allStaff: break
            }
            if case .recipient(let recipient) = target { record.recipient = recipient.rawValue }
            model.grants[id.rawValue] = record
        }
    }

    mutating func revokeGrant() throws {
        guard let grant = grants.randomElement(using: &rng) else { return }
        let provider = Int.random(in: 0..<4, using: &rng) == 0 ? providers.randomElement(using: &rng)! : grant.provider
        if try attempt("\(provider) revokes grant \(grant.id)", { try $0.revokeGrant(grant.id, provider: provider) }) {
            model.revoke(grant.id.rawValue, now: Self.now)
        }
    }

    mutating func areaGrant() throws {
        let employee = employees.randomElement(using: &rng)!
        let district = districts.randomElement(using: &rng)!
        let period = randomPeriod()
        let schedule = randomSchedule()
        if try attempt(
            "area grant \(district) to \(employee) \(period)",
            {
                _ = try $0.grantArea(
                    employee: employee, district: district,
                    validity: Period(start: period.from.wall, end: period.to?.wall),
                    schedule: schedule)
            })
        {
            model.areaGrants.append(
                .init(
                    employee: employee.rawValue, district: district.rawValue, period: period,
                    schedule: schedule.map(Oracle.minutes)))
        }
    }

    mutating func emergencyGrant() throws {
        let employee = employees.randomElement(using: &rng)!
        let start = randomTime()
        let period = CityModel.Dated(from: start, to: start + Int64(Int.random(in: 1...6, using: &rng)) * Day.hour)
        let toDoor = Bool.random(using: &rng)
        let recipient = recipients.randomElement(using: &rng)!
        let door = doors.randomElement(using: &rng)!
        let target: EmergencyTarget = toDoor ? .door(door) : .recipient(recipient)
        if try attempt(
            "emergency \(target) for \(employee) \(period)",
            {
                _ = try $0.grantEmergency(
                    employee: employee, target: target, validity: Period(start: period.from.wall, end: period.to?.wall),
                    reason: "alarm")
            })
        {
            model.emergencies.append(
                .init(
                    employee: employee.rawValue, recipient: toDoor ? nil : recipient.rawValue,
                    door: toDoor ? door.rawValue : nil, period: period))
        }
    }

    mutating func reassignOrDeactivate() throws {
        let employee = employees.randomElement(using: &rng)!
        if Int.random(in: 0..<3, using: &rng) == 0 {
            if try attempt("\(employee) deactivated", { try $0.deactivateEmployee(employee) }) {
                model.employees[employee.rawValue]?.active = false
            }
            return
        }
        let key = keys.randomElement(using: &rng)!
        if try attempt("key \(key) to \(employee)", { try $0.assignKey(key, to: employee) }) {
            model.keys[key.rawValue]?.employee = employee.rawValue
        }
    }
}
