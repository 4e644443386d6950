/// Builds one JSON object on a single line, field by field, without going through Foundation.
///
/// Logging sits on the request path, so this avoids `JSONSerialization` and escapes only what
/// JSON requires.
struct JSONLine {
    private var text = "{"
    private var first = true

    mutating func append(key: String, string value: String) {
        separator()
        JSONLine.appendQuoted(key, to: &text)
        text += ":"
        JSONLine.appendQuoted(value, to: &text)
    }

    mutating func append(key: String, value: LogValue) {
        switch value {
        case .string(let string):
            append(key: key, string: string)
        case .int(let int):
            appendRaw(key: key, String(int))
        case .bool(let bool):
            appendRaw(key: key, bool ? "true" : "false")
        case .double(let double):
            appendRaw(key: key, double.isFinite ? String(double) : "null")
        }
    }

    consuming func finish() -> String {
        text += "}\n"
        return text
    }

    private mutating func appendRaw(key: String, _ raw: String) {
        separator()
        JSONLine.appendQuoted(key, to: &text)
        text += ":"
        text += raw
    }

    private mutating func separator() {
        if first { first = false } else { text += "," }
    }

    /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters.
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        var needsEscaping = false
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
