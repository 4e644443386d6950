import KeyCore
import PortvaktProtocol
import Testing

@testable import Station

@Suite("Dock frames")
struct DockFrameTests {
    @Test("a frame reads back as written")
    func roundTrip() throws {
        let frame = DockFrame(.message, [1, 2, 3, 250])
        #expect(frame.encoded.prefix(7) == [0x50, 0x44, 0x04, 4, 0, 0, 0])
        #expect(try DockFrame.decode(frame.encoded) == frame)
        #expect(try DockFrame.decode(DockFrame(.anchorsInstalled).encoded).payload.isEmpty)
    }

    @Test("bytes that are not a frame are refused with the reason")
    func badFrames() {
        let good = DockFrame(.reply, [9, 9]).encoded
        #expect(throws: DockFrameError.badMagic) { try DockFrame.decode(Array("GET / HTTP/1.1\r\n".utf8)) }
        #expect(throws: DockFrameError.unknownKind(0x42)) { try DockFrame.decode([0x50, 0x44, 0x42, 0, 0, 0, 0]) }
        #expect(throws: DockFrameError.truncated) { try DockFrame.decode(Array(good.dropLast())) }
        #expect(throws: DockFrameError.truncated) { try DockFrame.decode([0x50, 0x44]) }
        #expect(throws: DockFrameError.trailingBytes) { try DockFrame.decode(good + [0]) }
        #expect(throws: DockFrameError.tooLarge(0x7FFF_FFFF)) {
            try DockFrame.header([0x50, 0x44, 0x04, 0xFF, 0xFF, 0xFF, 0x7F])
        }
    }

    @Test("a key hello reads back, and a malformed one is refused field by field")
    func keyHello() throws {
        let hello = KeyHelloPayload(
            serial: "K-0042", publicKey: [UInt8](repeating: 7, count: 32),
            battery: BatteryReading(percent: 64, millivolts: 3_850), hasTrustAnchors: true)
        #expect(try KeyHelloPayload.decode(hello.encoded) == hello)

        var badBattery = hello.encoded
        badBattery[1 + 6 + 32] = 101
        #expect(throws: DockFrameError.badPayload("battery percent above 100")) {
            try KeyHelloPayload.decode(badBattery)
        }
        var badFlags = hello.encoded
        badFlags[badFlags.count - 1] = 0x80
        #expect(throws: DockFrameError.badPayload("unknown flags")) { try KeyHelloPayload.decode(badFlags) }
        #expect(throws: DockFrameError.badPayload("serial length")) { try KeyHelloPayload.decode([0]) }
        var spaced = hello.encoded
        spaced[3] = 0x20
        #expect(throws: DockFrameError.badPayload("serial must be printable UTF-8 without spaces")) {
            try KeyHelloPayload.decode(spaced)
        }
        #expect(throws: DockFrameError.self) { try KeyHelloPayload.decode(Array(hello.encoded.dropLast())) }
        #expect(throws: DockFrameError.self) { try KeyHelloPayload.decode(hello.encoded + [0]) }
    }

    @Test("trust anchors read back, and an empty or inverted list is refused")
    func anchors() throws {
        let anchor = TrustAnchor(
            issuerID: 3, keyID: IssuerKeyID([UInt8](repeating: 1, count: 8))!,
            publicKey: [UInt8](repeating: 2, count: 32),
            notBefore: 10, notAfter: 20)
        #expect(try TrustAnchorsPayload.decode(TrustAnchorsPayload.encode([anchor, anchor])) == [anchor, anchor])
        #expect(throws: DockFrameError.badPayload("anchor count")) { try TrustAnchorsPayload.decode([0]) }
        var inverted = anchor
        inverted.notBefore = 30
        #expect(throws: DockFrameError.badPayload("anchor window")) {
            try TrustAnchorsPayload.decode(TrustAnchorsPayload.encode([inverted]))
        }
    }
}
