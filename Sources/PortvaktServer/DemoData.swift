import Observability
import Storage

/// The seeded data `portvakt demo` serves: a city's central unit and a few care providers.
///
/// Names are invented and marked as demo data; seeding twice changes nothing.
public enum DemoData {
    /// The organisations seeded, as (id, kind, name).
    public static let organisations: [(id: String, kind: String, name: String)] = [
        ("org-central", "central", "Trygghetsjouren (demo)"),
        ("org-norr", "provider", "Hemtjänst Norr (demo)"),
        ("org-soder", "provider", "Omsorg Söder AB (demo)"),
        ("org-vasterort", "provider", "Västerort Hemtjänst (demo)"),
    ]

    /// Inserts the demo data that is not already present; returns how many records were added.
    @discardableResult
    public static func seed(_ database: any Database, now: WallTime = .now()) throws -> Int {
        try database.write { connection in
            var added = 0
            for organisation in organisations {
                let existing = try connection.first(
                    "SELECT id FROM organisations WHERE id = $1", [.text(organisation.id)])
                guard existing == nil else { continue }
                try connection.execute(
                    "INSERT INTO organisations (id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
                    [
                        .text(organisation.id), .text(organisation.kind), .text(organisation.name),
                        .integer(now.millisecondsSinceEpoch),
                    ])
                added += 1
            }
            return added
        }
    }
}
