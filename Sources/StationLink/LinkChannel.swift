import Crypto

/// One station–server pair's sealed channel, seen from either end.
///
/// Both ends derive the same `crypto_box` key from their own Ed25519 private key and the other's
/// Ed25519 public key, both converted to X25519. A station seals requests and opens responses;
/// the server opens requests and seals responses. Requests and responses carry different
/// domain prefixes, so a box cannot be reflected back as the other kind.
public struct LinkChannel: Sendable {
    private let shared: Box.SharedKey

    /// The channel between `privateKey` (this end) and `peerPublicKey` (the other end).
    /// - Throws: ``LinkError/invalidPeerKey`` when the peer key is not a usable Ed25519 key.
    public init(privateKey: Ed25519.PrivateKey, peerPublicKey: [UInt8]) throws(LinkError) {
        do {
            let peer = try Ed25519.x25519PublicKey(from: peerPublicKey)
            shared = try Box.SharedKey(privateKey: privateKey.boxKey, peerPublicKey: peer)
        } catch {
            throw .invalidPeerKey
        }
    }

    /// Seals a request for `method` and `path` at `time` (Unix milliseconds).
    ///
    /// - Parameter nonce: 24 bytes that never repeat; fresh random bytes unless a test fixes them.
    /// - Precondition: `method` and `path` hold no line break (they are the caller's constants).
    public func sealRequest(
        method: String, path: String, body: [UInt8], time: Int64,
        nonce: [UInt8] = RandomBytes.generate(Box.nonceLength)
    ) -> SealedRequest {
        let plaintext = LinkPlaintext.request(method: method, path: path, time: time, body: body)
        return SealedRequest(bytes: seal(plaintext, nonce: nonce), nonce: nonce)
    }

    /// Opens a request that arrived as `method` `path`, checking that it was sealed for exactly
    /// that operation and within ``StationLink/clockTolerance`` of `now`. The caller must still
    /// refuse a nonce it has seen within ``StationLink/replayWindow``.
    public func openRequest(_ envelope: [UInt8], method: String, path: String, now: Int64) throws(LinkError)
        -> LinkRequest
    {
        let (nonce, plaintext) = try open(envelope)
        let request = try LinkPlaintext.parseRequest(plaintext, nonce: nonce)
        let received = method + " " + path
        guard Array(request.operation.utf8) == Array(received.utf8) else {
            throw .wrongOperation(sealed: request.operation, received: received)
        }
        guard abs(request.time - now) <= StationLink.clockTolerance else {
            throw .staleTime(skewMilliseconds: request.time - now)
        }
        return request
    }

    /// Seals the answer to the request that carried `requestNonce`.
    /// - Precondition: `status` is an HTTP status (100...599) and `requestNonce` 24 bytes.
    public func sealResponse(
        status: Int, body: [UInt8], requestNonce: [UInt8], nonce: [UInt8] = RandomBytes.generate(Box.nonceLength)
    ) -> [UInt8] {
        seal(LinkPlaintext.response(status: status, requestNonce: requestNonce, body: body), nonce: nonce)
    }

    /// Opens the answer to the request sent with `requestNonce`; any other answer is refused.
    public func openResponse(_ envelope: [UInt8], requestNonce: [UInt8]) throws(LinkError) -> LinkResponse {
        let (_, plaintext) = try open(envelope)
        let response = try LinkPlaintext.parseResponse(plaintext)
        guard response.requestNonce == requestNonce else { throw .wrongRequestNonce }
        return LinkResponse(status: response.status, body: response.body)
    }

    private func seal(_ plaintext: [UInt8], nonce: [UInt8]) -> [UInt8] {
        precondition(nonce.count == Box.nonceLength, "a link nonce is 24 bytes")
        // The nonce length was just checked, the only way sealing can fail.
        return nonce + (try! shared.seal(plaintext, nonce: nonce))
    }

    private func open(_ envelope: [UInt8]) throws(LinkError) -> (nonce: [UInt8], plaintext: [UInt8]) {
        guard envelope.count >= Box.nonceLength + Box.overhead else { throw .truncated(length: envelope.count) }
        let nonce = Array(envelope[..<Box.nonceLength])
        do {
            return (nonce, try shared.open(Array(envelope[Box.nonceLength...]), nonce: nonce))
        } catch {
            throw .cannotOpen
        }
    }
}

/// A sealed request ready to send, with the nonce its response must name.
public struct SealedRequest: Sendable, Equatable {
    /// The envelope: nonce and box.
    public let bytes: [UInt8]
    /// The request's nonce; pass it to ``LinkChannel/openResponse(_:requestNonce:)``.
    public let nonce: [UInt8]
}

/// A request as the server opened it.
public struct LinkRequest: Sendable, Equatable {
    /// The request's nonce, for the replay check and the response.
    public let nonce: [UInt8]
    /// The sealed `METHOD PATH`.
    public let operation: String
    /// When the station sealed it, Unix milliseconds.
    public let time: Int64
    /// The JSON body.
    public let body: [UInt8]
}

/// A response as the station opened it.
public struct LinkResponse: Sendable, Equatable {
    /// The sealed HTTP status; trust this, not the status line.
    public let status: Int
    /// The JSON body.
    public let body: [UInt8]
}
