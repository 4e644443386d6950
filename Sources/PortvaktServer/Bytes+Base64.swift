import Foundation

extension Array where Element == UInt8 {
    /// The bytes in standard base64, as the station API carries binary messages.
    var base64: String { Data(self).base64EncodedString() }

    /// Decodes standard base64; `nil` for anything else.
    init?(base64 text: String) {
        guard let data = Data(base64Encoded: text) else { return nil }
        self = Array(data)
    }
}
