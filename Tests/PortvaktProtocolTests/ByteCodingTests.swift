import PortvaktProtocol
import Testing

@Suite("Byte reader and writer")
struct ByteCodingTests {
    @Test("integers are written little-endian and read back")
    func littleEndian() throws {
        var writer = ByteWriter()
        writer.u16(0x0102)
        writer.u32(0x0304_0506)
        writer.u64(0x0708_090A_0B0C_0D0E)
        writer.i16(-2)
        #expect(writer.bytes == [2, 1, 6, 5, 4, 3, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 9, 8, 7, 0xFE, 0xFF])

        var reader = ByteReader(writer.bytes)
        #expect(try reader.u16() == 0x0102)
        #expect(try reader.u32() == 0x0304_0506)
        #expect(try reader.u64() == 0x0708_090A_0B0C_0D0E)
        #expect(try reader.i16() == -2)
        try reader.finish()
    }

    @Test("reading past the end throws with the offset, and leftovers are refused")
    func bounds() throws {
        var reader = ByteReader([1, 2, 3])
        _ = try reader.u16()
        #expect(throws: WireError.truncated(offset: 2)) { try reader.u16() }
        #expect(throws: WireError.trailingBytes(count: 1)) { try reader.finish() }
        #expect(throws: WireError.invalidField(.reserved)) {
            var nonzero = ByteReader([0, 1])
            try nonzero.reserved(2)
        }
    }

    @Test("a permission of each kind survives encoding, and a non-canonical leaf is refused")
    func permissions() throws {
        let lock = LockID([UInt8](repeating: 3, count: 16))!
        let all: [Permission] = [
            Permission(lockID: lock),
            Permission(lockID: lock, schedule: .weekly([WeeklySlot(days: 0x7F, startMinute: 0, endMinute: 1_440)])),
            Permission(lockID: lock, schedule: .visit(notBefore: 5, notAfter: 9)),
        ]
        for permission in all {
            #expect(permission.encoded.count == Permission.encodedLength)
            #expect(try Permission.decode(permission.encoded) == permission)
        }
        var altered = all[1].encoded
        altered[39] = 1  // an unused slot must be zero
        #expect(throws: WireError.invalidField(.reserved)) { try Permission.decode(altered) }
        var badKind = all[0].encoded
        badKind[16] = 9
        #expect(throws: WireError.invalidField(.permissionKind)) { try Permission.decode(badKind) }
    }

    @Test("weekdays and minutes follow local time across midnight and offsets")
    func weeklySchedule() {
        let monday0800: UInt64 = 1_740_988_800
        let mondayMorning = Schedule.weekly([WeeklySlot(days: 0b1, startMinute: 480, endMinute: 540)])
        #expect(mondayMorning.allows(monday0800, utcOffsetMinutes: 0))
        #expect(!mondayMorning.allows(monday0800 + 3_600, utcOffsetMinutes: 0))
        #expect(!mondayMorning.allows(monday0800, utcOffsetMinutes: 120))
        let sundayLate = Schedule.weekly([WeeklySlot(days: 0b100_0000, startMinute: 1_380, endMinute: 1_440)])
        #expect(sundayLate.allows(monday0800 - 8 * 3_600 - 1, utcOffsetMinutes: 0))
        #expect(sundayLate.allows(monday0800 - 8 * 3_600 + 60, utcOffsetMinutes: -60))
        #expect(Schedule.visit(notBefore: 10, notAfter: 20).allows(20, utcOffsetMinutes: 0))
        #expect(!Schedule.visit(notBefore: 10, notAfter: 20).allows(21, utcOffsetMinutes: 0))
    }
}
