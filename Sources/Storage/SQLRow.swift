/// One row of a query result, with values addressable by column name or position.
public struct SQLRow: Sendable, Equatable {
    /// Column names, in select-list order.
    public let columns: [String]
    /// Column values, in the same order as `columns`.
    public let values: [SQLValue]

    /// Creates a row; backends call this while reading results.
    public init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count, "a row needs one value per column")
        self.columns = columns
        self.values = values
    }

    /// The value of the named column, or `nil` when the result has no such column.
    public subscript(column: String) -> SQLValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    /// The named column as an integer.
    /// - Throws: `StorageError` with code `.decoding` when the column is missing, `NULL` or not an integer.
    public func integer(_ column: String) throws(StorageError) -> Int64 {
        switch try value(column) {
        case .integer(let value): return value
        case let other: throw .decoding(column: column, found: other)
        }
    }

    /// The named column as an integer, `nil` for `NULL`.
    public func optionalInteger(_ column: String) throws(StorageError) -> Int64? {
        let value = try value(column)
        return value == .null ? nil : try integer(column)
    }

    /// The named column as text.
    public func text(_ column: String) throws(StorageError) -> String {
        switch try value(column) {
        case .text(let value): return value
        case let other: throw .decoding(column: column, found: other)
        }
    }

    /// The named column as text, `nil` for `NULL`.
    public func optionalText(_ column: String) throws(StorageError) -> String? {
        let value = try value(column)
        return value == .null ? nil : try text(column)
    }

    /// The named column as a floating-point number (integers are widened).
    public func real(_ column: String) throws(StorageError) -> Double {
        switch try value(column) {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        case let other: throw .decoding(column: column, found: other)
        }
    }

    /// The named column as bytes.
    public func blob(_ column: String) throws(StorageError) -> [UInt8] {
        switch try value(column) {
        case .blob(let value): return value
        case let other: throw .decoding(column: column, found: other)
        }
    }

    /// The named column as a boolean stored as 0 or 1.
    public func bool(_ column: String) throws(StorageError) -> Bool {
        try integer(column) != 0
    }

    private func value(_ column: String) throws(StorageError) -> SQLValue {
        guard let value = self[column] else { throw .decoding(column: column, found: nil) }
        return value
    }
}
