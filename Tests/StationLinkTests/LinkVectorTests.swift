import Crypto
import Foundation
import StationLink
import Testing

private struct LinkVectorFile: Decodable {
    struct Link: Decodable {
        let stationSeed, stationPublicKey, serverSeed, serverPublicKey: String
        let method, path: String
        let time: Int64
        let requestNonce, requestBody, request, responseNonce: String
        let status: Int
        let responseBody, response: String
    }
    struct Enrolment: Decodable {
        let typedCode, code, lookup, key, stationPublicKey, requestProof: String
        let stationID, organisationID: String
        let issuerID: UInt32
        let linkPublicKey, issuerPublicKey, eventPublicKey, responseProof: String
    }
    let link: Link
    let enrolment: Enrolment
}

@Suite("Station link test vectors")
struct LinkVectorTests {
    private let file = try! Self.loadVectors()

    @Test("the sealed request and response match the vectors byte for byte, and open again")
    func envelopes() throws {
        let link = file.link
        let stationKey = try Ed25519.PrivateKey(seed: hex(link.stationSeed))
        let serverKey = try Ed25519.PrivateKey(seed: hex(link.serverSeed))
        #expect(stationKey.publicKey == hex(link.stationPublicKey))
        #expect(serverKey.publicKey == hex(link.serverPublicKey))
        let station = try LinkChannel(privateKey: stationKey, peerPublicKey: serverKey.publicKey)
        let server = try LinkChannel(privateKey: serverKey, peerPublicKey: stationKey.publicKey)

        let request = station.sealRequest(
            method: link.method, path: link.path, body: Array(link.requestBody.utf8), time: link.time,
            nonce: hex(link.requestNonce))
        #expect(request.bytes == hex(link.request))
        let opened = try server.openRequest(hex(link.request), method: link.method, path: link.path, now: link.time)
        #expect(opened.body == Array(link.requestBody.utf8))

        let response = server.sealResponse(
            status: link.status, body: Array(link.responseBody.utf8), requestNonce: hex(link.requestNonce),
            nonce: hex(link.responseNonce))
        #expect(response == hex(link.response))
        let answer = try station.openResponse(hex(link.response), requestNonce: hex(link.requestNonce))
        #expect(answer.status == link.status)
        #expect(answer.body == Array(link.responseBody.utf8))
    }

    @Test("the enrolment lookup, key and proofs match the vectors")
    func enrolment() throws {
        let vector = file.enrolment
        let code = try EnrolmentCode(vector.typedCode)
        #expect(code.normalised == vector.code)
        #expect(code.lookup == vector.lookup)
        #expect(code.key.storedForm == hex(vector.key))
        #expect(code.key.requestProof(stationPublicKey: hex(vector.stationPublicKey)) == hex(vector.requestProof))
        let keys = EnrolledKeys(
            stationID: vector.stationID, organisationID: vector.organisationID, issuerID: vector.issuerID,
            stationPublicKey: hex(vector.stationPublicKey), linkPublicKey: hex(vector.linkPublicKey),
            issuerPublicKey: hex(vector.issuerPublicKey), eventPublicKey: hex(vector.eventPublicKey))
        #expect(code.key.responseProof(for: keys) == hex(vector.responseProof))
    }

    private static func loadVectors() throws -> LinkVectorFile {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors").appendingPathComponent("station-link-v1.json")
        return try JSONDecoder().decode(LinkVectorFile.self, from: Data(contentsOf: url))
    }

    private func hex(_ string: String) -> [UInt8] {
        let digits = Array(string.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
        }
    }
}
