/// One table the retention purge cleans: its name and how to remove what is past retention.
public struct PurgeStep: Sendable {
    /// The table, as logs, metrics and `portvakt purge` name it.
    public let table: String
    let purge: @Sendable (_ now: Int64) throws -> Int

    /// Creates a step.
    /// - Parameters:
    ///   - table: the table's name.
    ///   - purge: removes what is past retention at `now` (milliseconds since the Unix epoch)
    ///     and returns how many rows went. It opens its own transactions, and must be safe to run
    ///     on several servers at once and to repeat.
    public init(_ table: String, purge: @escaping @Sendable (_ now: Int64) throws -> Int) {
        self.table = table
        self.purge = purge
    }
}
