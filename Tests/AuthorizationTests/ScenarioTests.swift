import Authorization
import PortvaktTesting
import Testing

@Suite("Effective permissions against the oracle")
struct ScenarioTests {
    /// How many random cities each backend checks.
    static let seeds: [UInt64] = Array(1...120)

    @Test(
        "every key's effective permissions in a random city match the brute-force oracle",
        arguments: TestBackend.all, seeds)
    func randomCity(_ backend: TestBackend, seed: UInt64) throws {
        try backend.withDatabase { test in
            var city = try ScenarioCity(database: test.database, seed: seed)
            for _ in 0..<30 { try city.randomOperation() }

            for key in city.keys {
                for _ in 0..<3 {
                    let start = Day.at(
                        Int.random(in: 3...16, using: &city.rng), Int.random(in: 0...23, using: &city.rng))
                    let end = start + Int64(Int.random(in: 4...60, using: &city.rng)) * Day.hour
                    let result = try city.store.effectivePermissions(
                        of: key, during: Period(start: start.wall, end: end.wall))
                    let expected = Oracle.permissions(of: key.rawValue, from: start, to: end, in: city.model)

                    #expect(
                        Oracle.answer(from: result) == expected,
                        "seed \(seed), key \(key), shift \(start)–\(end)\n\(city.log.joined(separator: "\n"))")
                }
            }
        }
    }
}
