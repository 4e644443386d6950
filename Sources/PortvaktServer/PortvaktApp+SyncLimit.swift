import PortvaktProtocol

extension PortvaktApp {
    /// The largest sealed `POST /api/v1/station/sync` body a station can send for a valid report,
    /// in bytes (5,603,456, about 5.3 MiB): the route's body limit, unless `http.max_body_bytes` is
    /// larger, so that a full key report never meets a 413 and stalls the station's queue.
    ///
    /// A report holds at most ``ProtocolLimits/maxUploadEntries`` entries of at most
    /// ``ProtocolLimits/maxUploadEntryLength`` bytes; the request carries it, the hello and the
    /// public key in base64 in JSON, where `JSONEncoder` writes each `/` as `\/`, so up to two
    /// bytes a character; a serial of at most 64 characters (each escaped as six in the worst
    /// case); and the link seal adds its nonce, tag and first lines.
    public static let maxSyncRequestBytes: Int = {
        let entry = 4 + 1 + 2 + ProtocolLimits.maxUploadEntryLength
        let report =
            MessageHeader.length + FieldLength.keyID + 1 + 1 + 2 + 8 + 4 + 4 + 2
            + ProtocolLimits.maxUploadEntries * entry + FieldLength.signature
        let hello = MessageHeader.length + 64
        func base64(_ count: Int) -> Int { (count + 2) / 3 * 4 }
        let json = 2 * (base64(report) + base64(hello) + base64(FieldLength.publicKey)) + 64 * 6 + 256
        let seal = 24 + 16 + 256
        return json + seal
    }()
}
