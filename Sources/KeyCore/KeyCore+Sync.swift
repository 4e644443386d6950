import PortvaktProtocol

extension KeyCore {
    /// Answers a station's hello with a signed report: identity, battery, counters and the oldest
    /// stored entries (at most ``ProtocolLimits/maxUploadEntries``).
    public mutating func report(hello helloBytes: [UInt8], battery: BatteryReading) throws(KeyError) -> [UInt8] {
        do {
            _ = try SyncHello.decode(helloBytes)
        } catch {
            throw .malformed(error)
        }
        guard battery.percent <= 100 else { throw .invalidBatteryReading }

        let entries = Array(store.uploads.prefix(ProtocolLimits.maxUploadEntries))
        var report = SyncReport(
            keyID: keyID, batteryPercent: battery.percent, batteryMillivolts: battery.millivolts,
            keyTime: clock.unixTime(), lostOwnEvents: store.state.lostOwnEvents,
            remainingEntries: UInt32(store.uploads.count - entries.count), entries: entries)
        report.signature = signer.sign(report.transcript(hello: helloBytes))
        syncHello = helloBytes
        return report.encoded
    }

    /// Deletes the entries the issuer acknowledged, and nothing else.
    ///
    /// - Returns: the number of entries deleted.
    /// - Throws: ``KeyError`` when the acknowledgement is for another key or session, or its
    ///   signature is not from a trusted issuer key; then nothing is deleted.
    public mutating func acknowledge(_ bytes: [UInt8]) throws(KeyError) -> Int {
        guard let helloBytes = syncHello else { throw .noPendingSync }
        let ack: EventAck
        let hello: SyncHello
        do {
            ack = try EventAck.decode(bytes)
            hello = try SyncHello.decode(helloBytes)
        } catch {
            throw .malformed(error)
        }
        guard ack.keyID == keyID, ack.nonceEcho == hello.nonce else { throw .acknowledgementMismatch }
        try verifyIssuerSignature(
            issuerID: ack.issuerID, keyID: ack.issuerKeyID, signedAt: clock.unixTime(), signature: ack.signature,
            message: ack.signedMessage)

        let before = store.uploads.count
        store.removeUploads(through: ack.acknowledgedThrough)
        syncHello = nil
        return before - store.uploads.count
    }
}
