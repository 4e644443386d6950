import Foundation
import PortvaktProtocol
import PortvaktServer
import PortvaktTesting
import ProtocolCrypto
import Storage
import Testing

@Suite("Binding a key's public key: at registration, or at its first dock")
struct KeyBindingTests {
    private func register(_ world: StationWorld, _ serial: String, publicKey: String? = nil) throws -> TestHTTPResponse
    {
        let key = publicKey.map { #", "publicKey": "\#($0)""# } ?? ""
        return try world.call(
            "POST", "/api/v1/keys", bearer: world.norrAdmin, json: #"{"serial": "\#(serial)"\#(key)}"#)
    }

    private func audited(_ world: StationWorld, _ action: String, key: String) throws -> Int {
        try world.database.read { connection in
            try connection.execute(
                "SELECT sequence FROM audit_entries WHERE action = $1 AND object_id = $2", [.text(action), .text(key)]
            ).count
        }
    }

    @Test(
        "a key registered with its public key shows the binding, and only that key can dock under its serial",
        arguments: TestBackend.all)
    func registeredBinding(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            var genuine = world.keyDevice(seed: 0x71)
            var impostor = world.keyDevice(seed: 0x72)
            let created = try register(world, "PRE-1", publicKey: Data(genuine.publicKey).base64EncodedString())
            #expect(created.status == 201, "\(created.text)")
            let binding = try #require(created.json?["binding"] as? [String: Any])
            let id = try #require(created.json?["id"] as? String)
            let fingerprint = SodiumProtocolCrypto().keyID(for: genuine.publicKey).bytes
                .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            #expect(binding["bound"] as? Bool == true)
            #expect(binding["source"] as? String == "registration")
            #expect(binding["fingerprint"] as? String == fingerprint)
            #expect(binding["stationID"] == nil)
            #expect(try audited(world, "key.enrol", key: id) == 1)

            // A key with the right serial but another public key is as unknown as no key at all.
            #expect(try world.dock(&impostor, serial: "PRE-1", at: station).status == 404)
            #expect(try world.dock(&genuine, serial: "PRE-1", at: station).status == 200)
            let shown = try world.call("GET", "/api/v1/keys/\(id)", bearer: world.norrAdmin)
            #expect((shown.json?["binding"] as? [String: Any])?["source"] as? String == "registration")
            #expect(try audited(world, "key.enrol", key: id) == 1)
        }
    }

    @Test(
        "a key registered without a public key is bound at its first dock, and that is audited",
        arguments: TestBackend.all)
    func dockBinding(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let created = try register(world, "LATE-1")
            #expect(created.status == 201)
            let id = try #require(created.json?["id"] as? String)
            #expect((created.json?["binding"] as? [String: Any])?["bound"] as? Bool == false)
            #expect(try audited(world, "key.enrol", key: id) == 0)

            var key = world.keyDevice(seed: 0x73)
            #expect(try world.dock(&key, serial: "LATE-1", at: station).status == 200)
            let shown = try world.call("GET", "/api/v1/keys/\(id)", bearer: world.norrAdmin)
            let binding = try #require(shown.json?["binding"] as? [String: Any])
            #expect(binding["bound"] as? Bool == true)
            #expect(binding["source"] as? String == "dock")
            #expect(binding["stationID"] as? String == station.id)
            #expect(try audited(world, "key.enrol", key: id) == 1)
        }
    }

    @Test("a public key that is malformed, or bound to another key, is refused", arguments: TestBackend.all)
    func refusedPublicKeys(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let device = world.keyDevice(seed: 0x74)
            let encoded = Data(device.publicKey).base64EncodedString()
            for bad in ["not base64!", Data([1, 2, 3]).base64EncodedString()] {
                let refused = try register(world, "BAD-1", publicKey: bad)
                #expect(refused.status == 422)
                #expect(refused.text.contains("publicKey"))
            }
            #expect(try register(world, "TWIN-1", publicKey: encoded).status == 201)
            #expect(try register(world, "TWIN-2", publicKey: encoded).status == 409)
            let listed = try world.call("GET", "/api/v1/keys", bearer: world.norrAdmin)
            let serials = (listed.json?["items"] as? [[String: Any]])?.compactMap { $0["serial"] as? String }
            #expect(serials?.contains("TWIN-2") == false)
        }
    }
}
