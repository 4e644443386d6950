// libFuzzer entry point: the station link's envelopes, as the server opens requests and a station
// opens responses. Each input is tried as an envelope and, boxed under the channel's own key, as
// a plaintext, so the fuzzer reaches the parser behind the authenticator. An accepted plaintext
// must seal back to the same bytes: one meaning, one encoding.

import Crypto
import StationLink

private let stationKey = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x51, count: 32))
private let serverKey = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x52, count: 32))
private let station = try! LinkChannel(privateKey: stationKey, peerPublicKey: serverKey.publicKey)
private let server = try! LinkChannel(privateKey: serverKey, peerPublicKey: stationKey.publicKey)
private let rawBox = try! Box.SharedKey(
    privateKey: stationKey.boxKey, peerPublicKey: Ed25519.x25519PublicKey(from: serverKey.publicKey))
private let nonce = [UInt8](repeating: 0x24, count: Box.nonceLength)
private let now: Int64 = 1_740_988_800_000
private let path = "/api/v1/station/sync"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    _ = try? server.openRequest(bytes, method: "POST", path: path, now: now)
    _ = try? station.openResponse(bytes, requestNonce: nonce)

    let envelope = nonce + (try! rawBox.seal(bytes, nonce: nonce))
    if let request = try? server.openRequest(envelope, method: "POST", path: path, now: now) {
        let again = station.sealRequest(
            method: "POST", path: path, body: request.body, time: request.time, nonce: nonce)
        requireCanonical(envelope, again.bytes)
    }
    if bytes.count > 26 + Box.nonceLength {
        let requestNonce = Array(bytes[26..<(26 + Box.nonceLength)])
        if let response = try? station.openResponse(envelope, requestNonce: requestNonce) {
            let again = server.sealResponse(
                status: response.status, body: response.body, requestNonce: requestNonce, nonce: nonce)
            requireCanonical(envelope, again)
        }
    }
    return 0
}
