import Crypto
import StationLink
import Testing

@Suite("Enrolment codes and proofs")
struct EnrolmentCodeTests {
    @Test("a generated code has 20 Crockford symbols in four groups, and codes differ")
    func generate() throws {
        let code = EnrolmentCode.generate()
        #expect(code.normalised.count == 20)
        #expect(code.normalised.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(code.grouped.split(separator: "-").map(\.count) == [5, 5, 5, 5])
        #expect(try EnrolmentCode(code.grouped) == code)
        #expect(EnrolmentCode.generate() != code)
        #expect(!"\(code)".contains(code.normalised))
    }

    @Test("a typed code is normalised: case, dashes and spaces ignored, O read as 0 and I, L as 1")
    func normalise() throws {
        let typed = try EnrolmentCode(" 7kq2m-9xw4d oilab-CDEFG")
        #expect(typed.normalised == "7KQ2M9XW4D011ABCDEFG")
        #expect(typed.grouped == "7KQ2M-9XW4D-011AB-CDEFG")
        #expect(typed == (try EnrolmentCode("7KQ2M9XW4D011ABCDEFG")))
        #expect(typed.lookup == (try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFG")).lookup)
    }

    @Test("a code with a foreign character or the wrong length is refused with the reason")
    func invalid() {
        #expect(throws: LinkError.invalidEnrolmentCode("\"U\" is not one of its characters")) {
            try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFU")
        }
        #expect(throws: LinkError.invalidEnrolmentCode("it has 19 characters where 20 are needed")) {
            try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEF")
        }
        #expect(throws: LinkError.self) { try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFG-0") }
    }

    @Test("a letter whose upper case is several letters is refused, not a crash")
    func multiLetterUpperCase() {
        for typed in ["ß", "\u{FB01}", "\u{0149}", "é"] {
            #expect(throws: LinkError.invalidEnrolmentCode("\"\(typed)\" is not one of its characters")) {
                try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEF" + typed)
            }
        }
    }

    @Test("the lookup and the key are different hashes of the code, and neither is the code")
    func lookupAndKey() throws {
        let code = try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFG")
        #expect(code.lookup.count == 32)
        #expect(code.lookup.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(code.key.storedForm.count == 32)
        #expect(!code.lookup.contains(code.normalised.lowercased()))
        #expect(code.lookup != (try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFH")).lookup)
        #expect(code.key.storedForm != (try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFH")).key.storedForm)
    }

    @Test("the station's proof verifies only for its own public key and the right code")
    func requestProof() throws {
        let key = try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFG").key
        let stored = try EnrolmentKey(stored: key.storedForm)
        let station = [UInt8](repeating: 0x61, count: 32)
        let proof = key.requestProof(stationPublicKey: station)

        #expect(proof.count == 32)
        #expect(stored.acceptsRequestProof(proof, stationPublicKey: station))
        #expect(!stored.acceptsRequestProof(proof, stationPublicKey: [UInt8](repeating: 0x62, count: 32)))
        let wrongCode = try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFH").key
        #expect(!wrongCode.acceptsRequestProof(proof, stationPublicKey: station))
        #expect(!stored.acceptsRequestProof(Array(proof.prefix(16)), stationPublicKey: station))
        #expect(throws: LinkError.self) { try EnrolmentKey(stored: [1, 2, 3]) }
    }

    @Test("the server's proof covers every field it answers")
    func responseProof() throws {
        let key = try EnrolmentCode("7KQ2M-9XW4D-011AB-CDEFG").key
        let keys = EnrolledKeys(
            stationID: "12", organisationID: "org-norr", issuerID: 7,
            stationPublicKey: [UInt8](repeating: 1, count: 32), linkPublicKey: [UInt8](repeating: 2, count: 32),
            issuerPublicKey: [UInt8](repeating: 3, count: 32), eventPublicKey: [UInt8](repeating: 4, count: 32))
        let proof = key.responseProof(for: keys)
        #expect(key.acceptsResponseProof(proof, for: keys))
        #expect(proof != key.requestProof(stationPublicKey: keys.stationPublicKey))
        for field in 0..<8 {
            var swapped = keys
            switch field {
            case 0: swapped.stationPublicKey[0] ^= 1
            case 1: swapped.linkPublicKey[0] ^= 1
            case 2: swapped.issuerPublicKey[0] ^= 1
            case 3: swapped.eventPublicKey[0] ^= 1
            case 4: swapped.stationID = "13"
            case 5: swapped.organisationID = "org-soder"
            case 6: swapped.issuerID = 8
            default:
                // The same bytes split differently between the two ids.
                swapped.stationID = "12o"
                swapped.organisationID = "rg-norr"
            }
            #expect(!key.acceptsResponseProof(proof, for: swapped), "field \(field)")
        }
    }
}
