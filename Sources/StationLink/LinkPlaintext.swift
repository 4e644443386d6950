import Crypto

/// The plaintexts inside link boxes (docs/station.md §3):
///
/// ```
/// request:  "portvakt/link-request/v1\n" METHOD " " PATH "\n" milliseconds "\n" body
/// response: "portvakt/link-response/v1\n" request-nonce(24) status(3 digits) "\n" body
/// ```
enum LinkPlaintext {
    static let requestDomain = Array("portvakt/link-request/v1\n".utf8)
    static let responseDomain = Array("portvakt/link-response/v1\n".utf8)
    private static let newline: UInt8 = 0x0A
    /// Digits in the largest Int64.
    private static let maxTimeDigits = 19

    static func request(method: String, path: String, time: Int64, body: [UInt8]) -> [UInt8] {
        precondition(!method.contains("\n") && !path.contains("\n") && !method.contains(" "), "not a request line")
        precondition(time >= 0, "link times are after 1970")
        return requestDomain + Array("\(method) \(path)\n\(time)\n".utf8) + body
    }

    static func response(status: Int, requestNonce: [UInt8], body: [UInt8]) -> [UInt8] {
        precondition((100...599).contains(status), "not an HTTP status")
        precondition(requestNonce.count == Box.nonceLength, "a request nonce is 24 bytes")
        return responseDomain + requestNonce + Array("\(status)\n".utf8) + body
    }

    static func parseRequest(_ plaintext: [UInt8], nonce: [UInt8]) throws(LinkError) -> LinkRequest {
        guard plaintext.starts(with: requestDomain) else { throw .malformedPlaintext }
        var rest = plaintext[requestDomain.count...]
        guard let lineEnd = rest.firstIndex(of: newline) else { throw .malformedPlaintext }
        let operation = String(decoding: rest[..<lineEnd], as: UTF8.self)
        rest = rest[(lineEnd + 1)...]
        guard let timeEnd = rest.firstIndex(of: newline), let time = decimal(rest[..<timeEnd]) else {
            throw .malformedPlaintext
        }
        return LinkRequest(nonce: nonce, operation: operation, time: time, body: Array(rest[(timeEnd + 1)...]))
    }

    static func parseResponse(_ plaintext: [UInt8]) throws(LinkError) -> (
        requestNonce: [UInt8], status: Int, body: [UInt8]
    ) {
        let statusStart = responseDomain.count + Box.nonceLength
        guard plaintext.starts(with: responseDomain), plaintext.count >= statusStart + 4,
            plaintext[statusStart + 3] == newline,
            let status = decimal(plaintext[statusStart..<(statusStart + 3)]), (100...599).contains(status)
        else { throw .malformedPlaintext }
        return (
            Array(plaintext[responseDomain.count..<statusStart]), Int(status), Array(plaintext[(statusStart + 4)...])
        )
    }

    /// Reads 1 to 19 ASCII digits without a leading zero as a non-negative number; `nil` for
    /// anything else or overflow, so that every value has one spelling.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= maxTimeDigits else { return nil }
        guard digits.count == 1 || digits.first != 0x30 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard digit >= 0x30, digit <= 0x39 else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(Int64(digit - 0x30))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }
}
