/// Builds one JSON object on a single line, field by field, straight into bytes.
///
/// Logging sits on the request path, so this avoids Foundation and intermediate strings:
/// numbers and timestamps are written digit by digit, and only what JSON requires is escaped.
struct JSONLine {
    private(set) var bytes: [UInt8]

    init() {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(320)
    }

    mutating func append(key: String, string value: String) {
        appendKey(key)
        appendQuoted(value)
    }

    mutating func append(key: String, value: LogValue) {
        switch value {
        case .string(let string):
            append(key: key, string: string)
        case .int(let int):
            appendKey(key)
            appendDecimal(int)
        case .bool(let bool):
            appendKey(key)
            bytes.append(contentsOf: bool ? Array("true".utf8) : Array("false".utf8))
        case .double(let double):
            appendKey(key)
            if double.isFinite {
                bytes.append(contentsOf: String(double).utf8)
            } else {
                bytes.append(contentsOf: "null".utf8)
            }
        }
    }

    /// Appends `"key":` with the comma that separates it from the previous field.
    private mutating func appendKey(_ key: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a constant message without converting it to a `String` first.
    mutating func append(key: String, message: StaticString) {
        if message.hasPointerRepresentation && message.isASCII {
            appendKey(key)
            bytes.append(UInt8(ascii: "\""))
            message.withUTF8Buffer { buffer in
                for byte in buffer {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        } else {
            append(key: key, string: String(describing: message))
        }
    }

    /// Appends the timestamp field as `"ts":"YYYY-MM-DDTHH:MM:SS.mmmZ"`.
    mutating func append(key: String, time: WallTime) {
        appendKey(key)
        bytes.append(UInt8(ascii: "\""))
        time.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            if value == .min {
                bytes.append(contentsOf: String(value).utf8.dropFirst())
                return
            }
        }
        appendDigits(UInt(value.magnitude), to: &bytes)
    }

    private mutating func appendQuoted(_ value: String) {
        JSONString.append(value, to: &bytes)
    }
}

/// Appends the decimal digits of `value`.
func appendDigits(_ value: UInt, to bytes: inout [UInt8]) {
    var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &scratch) { buffer in
        var index = buffer.count
        var rest = value
        repeat {
            index -= 1
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        bytes.append(contentsOf: buffer[index...])
    }
}

/// Appends `value` as exactly `width` digits, zero-padded.
func appendDigits(_ value: Int, width: Int, to bytes: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    var rest = value
    while divisor > 0 {
        bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
        rest %= divisor
        divisor /= 10
    }
}
