import Crypto
import StationLink
import Testing

@Suite("The sealed station link")
struct LinkChannelTests {
    private let stationKey = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x51, count: 32))
    private let serverKey = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x52, count: 32))
    private let now: Int64 = 1_740_988_800_000
    private let body = Array(#"{"queueDepth":0}"#.utf8)

    private var station: LinkChannel { try! LinkChannel(privateKey: stationKey, peerPublicKey: serverKey.publicKey) }
    private var server: LinkChannel { try! LinkChannel(privateKey: serverKey, peerPublicKey: stationKey.publicKey) }

    @Test("a request sealed by the station opens at the server with its operation, time, nonce and body")
    func requestRoundTrip() throws {
        let sealed = station.sealRequest(method: "POST", path: "/api/v1/station/heartbeat", body: body, time: now)
        let opened = try server.openRequest(sealed.bytes, method: "POST", path: "/api/v1/station/heartbeat", now: now)

        #expect(opened.body == body)
        #expect(opened.time == now)
        #expect(opened.nonce == sealed.nonce)
        #expect(opened.operation == "POST /api/v1/station/heartbeat")
        #expect(sealed.nonce.count == 24)
        #expect(sealed.nonce != station.sealRequest(method: "POST", path: "/x", body: [], time: now).nonce)
    }

    @Test("the answer opens at the station only for the request it answers")
    func responseRoundTrip() throws {
        let request = station.sealRequest(method: "POST", path: "/api/v1/station/sync", body: body, time: now)
        let answer = server.sealResponse(status: 200, body: Array("{}".utf8), requestNonce: request.nonce)

        let opened = try station.openResponse(answer, requestNonce: request.nonce)
        #expect(opened.status == 200)
        #expect(opened.body == Array("{}".utf8))
        let other = station.sealRequest(method: "POST", path: "/api/v1/station/sync", body: body, time: now)
        #expect(throws: LinkError.wrongRequestNonce) { try station.openResponse(answer, requestNonce: other.nonce) }
        let refused = server.sealResponse(status: 422, body: [], requestNonce: request.nonce)
        #expect(try station.openResponse(refused, requestNonce: request.nonce).status == 422)
    }

    @Test("a request sealed with another station's key does not open")
    func wrongKey() throws {
        let stranger = try Ed25519.PrivateKey(seed: [UInt8](repeating: 0x53, count: 32))
        let forged = try LinkChannel(privateKey: stranger, peerPublicKey: serverKey.publicKey)
            .sealRequest(method: "POST", path: "/api/v1/station/heartbeat", body: body, time: now)
        #expect(throws: LinkError.cannotOpen) {
            try server.openRequest(forged.bytes, method: "POST", path: "/api/v1/station/heartbeat", now: now)
        }
        let answer = server.sealResponse(status: 200, body: [], requestNonce: forged.nonce)
        #expect(throws: LinkError.cannotOpen) {
            try LinkChannel(privateKey: stranger, peerPublicKey: stationKey.publicKey)
                .openResponse(answer, requestNonce: forged.nonce)
        }
    }

    @Test("changing any byte of a sealed request makes it refused")
    func alteredByte() {
        let sealed = station.sealRequest(method: "POST", path: "/api/v1/station/prefetch", body: body, time: now)
        for index in sealed.bytes.indices {
            var altered = sealed.bytes
            altered[index] &+= 1
            #expect(throws: LinkError.cannotOpen) {
                try server.openRequest(altered, method: "POST", path: "/api/v1/station/prefetch", now: now)
            }
        }
        #expect(throws: LinkError.truncated(length: 39)) {
            try server.openRequest(Array(sealed.bytes.prefix(39)), method: "POST", path: "/", now: now)
        }
    }

    @Test("a request sent to another operation or with another method is refused")
    func wrongOperation() {
        let sealed = station.sealRequest(method: "POST", path: "/api/v1/station/heartbeat", body: body, time: now)
        #expect(
            throws: LinkError.wrongOperation(
                sealed: "POST /api/v1/station/heartbeat", received: "POST /api/v1/station/prefetch")
        ) {
            try server.openRequest(sealed.bytes, method: "POST", path: "/api/v1/station/prefetch", now: now)
        }
        #expect(throws: LinkError.self) {
            try server.openRequest(sealed.bytes, method: "PUT", path: "/api/v1/station/heartbeat", now: now)
        }
    }

    @Test("a request more than five minutes from the server's clock is refused, either way")
    func staleTime() throws {
        let path = "/api/v1/station/heartbeat"
        let old = station.sealRequest(method: "POST", path: path, body: body, time: now - 300_001)
        #expect(throws: LinkError.staleTime(skewMilliseconds: -300_001)) {
            try server.openRequest(old.bytes, method: "POST", path: path, now: now)
        }
        let ahead = station.sealRequest(method: "POST", path: path, body: body, time: now + 300_001)
        #expect(throws: LinkError.staleTime(skewMilliseconds: 300_001)) {
            try server.openRequest(ahead.bytes, method: "POST", path: path, now: now)
        }
        let edge = station.sealRequest(method: "POST", path: path, body: body, time: now - 300_000)
        #expect(try server.openRequest(edge.bytes, method: "POST", path: path, now: now).time == now - 300_000)
    }

    @Test("a request cannot be reflected back to the station as a response, nor a response as a request")
    func noReflection() {
        let request = station.sealRequest(method: "POST", path: "/api/v1/station/sync", body: body, time: now)
        #expect(throws: LinkError.malformedPlaintext) {
            try station.openResponse(request.bytes, requestNonce: request.nonce)
        }
        let answer = server.sealResponse(status: 200, body: body, requestNonce: request.nonce)
        #expect(throws: LinkError.malformedPlaintext) {
            try server.openRequest(answer, method: "POST", path: "/api/v1/station/sync", now: now)
        }
    }

    @Test("a peer key that is not an Ed25519 point is refused when the channel is made")
    func invalidPeer() {
        var neutral = [UInt8](repeating: 0, count: 32)
        neutral[0] = 1
        #expect(throws: LinkError.invalidPeerKey) { try LinkChannel(privateKey: stationKey, peerPublicKey: neutral) }
        #expect(throws: LinkError.invalidPeerKey) { try LinkChannel(privateKey: stationKey, peerPublicKey: [1, 2]) }
    }

    @Test("every refusal explains itself")
    func messages() {
        let errors: [LinkError] = [
            .invalidPeerKey, .truncated(length: 3), .cannotOpen, .malformedPlaintext,
            .wrongOperation(sealed: "POST /a", received: "POST /b"), .staleTime(skewMilliseconds: -400_000),
            .wrongRequestNonce, .invalidEnrolmentCode("it is short"),
        ]
        for error in errors { #expect(error.description.count > 30, "\(error)") }
        #expect(LinkError.staleTime(skewMilliseconds: -400_000).description.contains("-400 s"))
    }
}
