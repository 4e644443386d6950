import Authorization

extension EntityID {
    /// Reads an id as the API writes it in bodies and queries: a positive decimal number.
    /// - Returns: `nil` for anything else, such as a sign, a fraction or an overflowing number.
    init?(decimal text: String) {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(text), value > 0
        else { return nil }
        self.init(value)
    }

    /// The id as the API writes it.
    var decimal: String { String(rawValue) }
}
