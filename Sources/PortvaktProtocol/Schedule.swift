/// When, within a credential's validity, a permission may be used.
public enum Schedule: Equatable, Sendable {
    /// Any time the credential is valid.
    case always
    /// Recurring weekly slots in the local time given by the credential's UTC offset.
    // Known limitation: one UTC offset per credential; if a daylight-saving change falls inside a
    // shift, weekly slots are an hour off for the rest of that shift (the next sync corrects it).
    case weekly([WeeklySlot])
    /// One absolute window in Unix seconds, for a single planned visit.
    case visit(notBefore: UInt64, notAfter: UInt64)

    /// Whether the schedule allows use at Unix time `now`, reading weekly slots in local time
    /// `utcOffsetMinutes` away from UTC.
    public func allows(_ now: UInt64, utcOffsetMinutes: Int16) -> Bool {
        switch self {
        case .always:
            return true
        case .visit(let notBefore, let notAfter):
            return now >= notBefore && now <= notAfter
        case .weekly(let slots):
            let local = Int64(clamping: now) + Int64(utcOffsetMinutes) * 60
            let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            let secondOfDay = local - day * 86_400
            // 1970-01-01 was a Thursday: weekday 3 when Monday is 0.
            let weekday = Int((day + 3) % 7 + 7) % 7
            let minute = UInt16(secondOfDay / 60)
            return slots.contains { $0.days & (1 << weekday) != 0 && minute >= $0.startMinute && minute < $0.endMinute }
        }
    }
}

/// One recurring slot: on the days in `days`, from `startMinute` up to but not including `endMinute`.
public struct WeeklySlot: Equatable, Sendable {
    /// Bit 0 is Monday through bit 6 Sunday; bit 7 must be zero.
    public var days: UInt8
    /// Minutes after local midnight when the slot opens, 0...1439.
    public var startMinute: UInt16
    /// Minutes after local midnight when the slot closes, after `startMinute`, at most 1440.
    public var endMinute: UInt16

    /// A slot; use ``isValid`` before issuing. A slot across midnight is written as two slots.
    public init(days: UInt8, startMinute: UInt16, endMinute: UInt16) {
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Whether the slot is well formed: some day, no bit 7, and a non-empty span inside one day.
    public var isValid: Bool {
        days != 0 && days & 0x80 == 0 && startMinute < endMinute && endMinute <= 1_440
    }
}
