import Crypto
import PortvaktProtocol
import ProtocolCrypto

/// The issuer's side of event collection: open sealed lock batches and key events, and sign the
/// acknowledgement that lets a key delete what it carried.
public struct EventIntake: Sendable {
    private let sealingKey: SealedBox.PrivateKey
    private let signingKey: IssuerSigningKey

    /// An intake opening boxes sealed to `sealingKey` and acknowledging with `signingKey`.
    public init(sealingKey: SealedBox.PrivateKey, signingKey: IssuerSigningKey) {
        self.sealingKey = sealingKey
        self.signingKey = signingKey
    }

    /// The X25519 key locks and keys seal to.
    public var eventRecipient: [UInt8] { sealingKey.publicKey }

    /// Opens and decodes a lock's sealed batch.
    public func openLockBatch(_ sealed: [UInt8]) throws(EventIntakeError) -> EventBatch {
        let plaintext: [UInt8]
        do { plaintext = try sealingKey.open(sealed) } catch { throw .cannotOpen }
        do { return try EventBatch.decode(plaintext) } catch { throw .malformed(error) }
    }

    /// Opens and decodes one of a key's own sealed events.
    public func openKeyEvent(_ sealed: [UInt8]) throws(EventIntakeError) -> KeyEvent {
        let plaintext: [UInt8]
        do { plaintext = try sealingKey.open(sealed) } catch { throw .cannotOpen }
        do { return try KeyEvent.decode(plaintext) } catch { throw .malformed(error) }
    }

    /// Checks a key's report against the key's enrolled public key and the session's hello.
    public func verifyReport(_ bytes: [UInt8], hello: [UInt8], keyPublicKey: [UInt8]) throws(EventIntakeError)
        -> SyncReport
    {
        let report: SyncReport
        do { report = try SyncReport.decode(bytes) } catch { throw .malformed(error) }
        guard
            Ed25519.verify(
                signature: report.signature, message: report.transcript(hello: hello), publicKey: keyPublicKey)
        else { throw .badReportSignature }
        return report
    }

    /// Signs an acknowledgement for `keyID`'s entries up to `sequence`, bound to the session's hello.
    public func acknowledge(keyID: KeyID, through sequence: UInt32, hello: SyncHello) -> [UInt8] {
        var ack = EventAck(
            keyID: keyID, nonceEcho: hello.nonce, acknowledgedThrough: sequence, issuerID: signingKey.issuerID,
            issuerKeyID: signingKey.keyID)
        ack.signature = signingKey.sign(ack.signedMessage)
        return ack.encoded
    }
}

/// Why the intake rejected uploaded data.
public enum EventIntakeError: Error, Equatable, Sendable {
    /// The box was not sealed to this issuer or was altered.
    case cannotOpen
    /// The plaintext did not decode.
    case malformed(WireError)
    /// The report's signature is not the enrolled key's.
    case badReportSignature
}
