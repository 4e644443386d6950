/// One page of a list answer; `next` is the cursor for the following page (pass it as
/// `after`), absent on the last page.
struct APIPage<Item: Codable>: Codable {
    var items: [Item]
    var next: String?

    init(items: [Item], next: String? = nil) {
        self.items = items
        self.next = next
    }

    /// A page of at most `limit` items, with a cursor when the page is full.
    init(items: [Item], limit: Int64, cursor: (Item) -> String) {
        self.init(items: items, next: items.count == Int(limit) ? items.last.map(cursor) : nil)
    }
}
