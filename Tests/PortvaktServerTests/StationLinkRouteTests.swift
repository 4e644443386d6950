import Crypto
import Foundation
import PortvaktServer
import PortvaktTesting
import StationLink
import Testing

@Suite("The station link over HTTP")
struct StationLinkRouteTests {
    private let heartbeat = HeartbeatRequest(
        queueDepth: 3, queueCapacity: 100_000, oldestQueuedAt: 1_000, rejectedReports: 1, power: .battery,
        batteryPercent: 64,
        uplink: "mobile", version: "1.2.0")

    @Test(
        "a heartbeat is answered sealed, and its state shows for the station's provider only",
        arguments: TestBackend.all)
    func heartbeatState(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let sent = try station.send(.heartbeat, heartbeat, as: HeartbeatResponse.self)
            #expect(sent.status == 200)
            #expect(sent.answer?.serverTime == world.clock.now)
            #expect(sent.answer?.revocationVersion == 1)

            let shown = try world.call("GET", "/api/v1/stations/\(station.id)", bearer: world.norrPlanner)
            #expect(shown.status == 200)
            #expect(shown.json?["online"] as? Bool == true)
            #expect(shown.json?["queueDepth"] as? Int == 3)
            #expect(shown.json?["rejectedReports"] as? Int == 1)
            #expect(shown.json?["power"] as? String == "battery")
            #expect(shown.json?["batteryPercent"] as? Int == 64)
            #expect(shown.json?["uplink"] as? String == "mobile")
            #expect(shown.json?["version"] as? String == "1.2.0")
            #expect(shown.json?["lastHeartbeatAt"] as? Int64 == world.clock.now)
            #expect(try world.call("GET", "/api/v1/stations/\(station.id)", bearer: world.soderAdmin).status == 404)
            let soderList = try world.call("GET", "/api/v1/stations", bearer: world.soderAdmin)
            #expect((soderList.json?["items"] as? [Any])?.isEmpty == true)
            let centralList = try world.call("GET", "/api/v1/stations?organisation=org-norr", bearer: world.central)
            #expect((centralList.json?["items"] as? [[String: Any]])?.first?["id"] as? String == station.id)

            var impossible = heartbeat
            impossible.rejectedReports = 4
            let refused = try station.send(.heartbeat, impossible, as: HeartbeatResponse.self)
            #expect(refused.status == 422)
            #expect(refused.answer == nil)

            world.clock.advance(2 * 60 * 1000 + 1)
            let quiet = try world.call("GET", "/api/v1/stations/\(station.id)", bearer: world.norrAdmin)
            #expect(quiet.json?["online"] as? Bool == false)
        }
    }

    @Test("a replayed request is refused, and so is a request with any byte changed", arguments: TestBackend.all)
    func replayAndTamper(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let sealed = try station.seal(.heartbeat, heartbeat)
            #expect(try station.post(StationOperation.heartbeat.path, sealed.bytes).status == 200)
            let replay = try station.post(StationOperation.heartbeat.path, sealed.bytes)
            #expect(replay.status == 401)
            #expect(replay.headers["content-type"] == "application/problem+json")

            let fresh = try station.seal(.heartbeat, heartbeat)
            for index in [0, 23, 24, fresh.bytes.count / 2, fresh.bytes.count - 1] {
                var altered = fresh.bytes
                altered[index] ^= 0x01
                #expect(try station.post(StationOperation.heartbeat.path, altered).status == 401, "byte \(index)")
            }
            #expect(try station.post(StationOperation.heartbeat.path, fresh.bytes).status == 200)
        }
    }

    @Test(
        "a nonce is kept by its request's time, so a server up to the tolerance behind the purging one refuses its replay",
        arguments: TestBackend.all)
    func replayAcrossClocks(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let tolerance = StationLink.clockTolerance
            let start = world.clock.now
            // The station's clock runs almost the tolerance ahead of the first server's.
            let sealed = try station.seal(.heartbeat, heartbeat, time: start + tolerance - 1_000)
            #expect(try station.post(StationOperation.heartbeat.path, sealed.bytes).status == 200)

            // A server whose clock is two tolerances ahead takes a fresh request and purges.
            world.clock.advance(2 * tolerance + 1_000)
            #expect(try station.send(.heartbeat, heartbeat, as: HeartbeatResponse.self).status == 200)

            // A server almost the tolerance behind that one would still accept the old request's time.
            world.clock.advance(-(tolerance - 2_000))
            #expect(try station.post(StationOperation.heartbeat.path, sealed.bytes).status == 401)
        }
    }

    @Test(
        "a request for another operation, too old, from another or a revoked station is refused with one 401",
        arguments: TestBackend.all)
    func refusals(backend: TestBackend) throws {
        try StationWorld.with(backend) { world in
            let station = try world.enrolledStation()
            let other = try world.enrolledStation()
            let wrongPath = try station.seal(.heartbeat, heartbeat)
            let misrouted = try station.post(StationOperation.prefetch.path, wrongPath.bytes)
            let stale = try station.post(
                StationOperation.heartbeat.path,
                try station.seal(.heartbeat, heartbeat, time: world.clock.now - 300_001).bytes)
            let foreign = try station.post(
                StationOperation.heartbeat.path, try station.seal(.heartbeat, heartbeat).bytes, stationID: other.id)
            let unknown = try station.post(
                StationOperation.heartbeat.path, try station.seal(.heartbeat, heartbeat).bytes, stationID: "999999")
            let details = [misrouted, stale, foreign, unknown].map { response in
                #expect(response.status == 401)
                return response.json?["detail"] as? String
            }
            #expect(Set(details).count == 1)

            let revoke = try world.call("DELETE", "/api/v1/stations/\(station.id)", bearer: world.norrAdmin)
            #expect(revoke.status == 200)
            #expect(
                try station.post(StationOperation.heartbeat.path, try station.seal(.heartbeat, heartbeat).bytes).status
                    == 401)
            #expect(try other.send(.heartbeat, heartbeat, as: HeartbeatResponse.self).status == 200)
        }
    }

    @Test("the answer opens only for the request it answers, and a body the server cannot read is answered sealed")
    func boundAnswers() throws {
        try StationWorld.with(.sqlite) { world in
            let station = try world.enrolledStation()
            let first = try station.seal(.heartbeat, heartbeat)
            let second = try station.seal(.heartbeat, heartbeat)
            let answer = try station.post(StationOperation.heartbeat.path, first.bytes)
            #expect(throws: LinkError.wrongRequestNonce) {
                try station.channel.openResponse(answer.body, requestNonce: second.nonce)
            }
            #expect(try station.channel.openResponse(answer.body, requestNonce: first.nonce).status == 200)

            let broken = station.channel.sealRequest(
                method: "POST", path: StationOperation.heartbeat.path, body: Array(#"{"queueDepth":-1}"#.utf8),
                time: world.clock.now)
            let refused = try station.post(StationOperation.heartbeat.path, broken.bytes)
            #expect(refused.status == 400)
            let opened = try station.channel.openResponse(refused.body, requestNonce: broken.nonce)
            #expect(opened.status == 400)
            #expect(String(decoding: opened.body, as: UTF8.self).contains("power"))
        }
    }

    @Test("every station route refuses API tokens and unsealed bodies, generated from the route table")
    func generated() throws {
        try StationWorld.with(.sqlite) { world in
            let station = try world.enrolledStation()
            let routes = try world.harness.app.stationRoutes()
            #expect(Set(routes.map(\.pattern)) == Set(StationOperation.allCases.map(\.path)))
            #expect(
                try world.harness.app.securedRoutes().allSatisfy { !$0.pattern.hasPrefix(StationLink.operationPrefix) })
            for route in routes {
                // The sealed content type, so that only the authentication check can refuse it.
                let bearer = try TestHTTPClient.request(
                    port: world.harness.port, "POST", route.pattern,
                    headers: [("Authorization", "Bearer \(world.central)"), ("Content-Type", StationLink.contentType)],
                    body: try station.seal(.heartbeat, heartbeat).bytes)
                #expect(bearer.status == 401, "\(route.pattern) with a token → \(bearer.status)")
                let plain = try station.post(route.pattern, Array("{}".utf8))
                #expect(plain.status == 401, "\(route.pattern) unsealed → \(plain.status)")
                #expect(plain.headers["content-type"] == "application/problem+json")
                let anonymous = try TestHTTPClient.request(
                    port: world.harness.port, "POST", route.pattern,
                    headers: [("Content-Type", StationLink.contentType)],
                    body: try station.seal(.heartbeat, heartbeat).bytes)
                #expect(anonymous.status == 401)
            }
        }
    }

    @Test("the OpenAPI document describes station operations with the sealed content type and their own scheme")
    func documented() throws {
        try StationWorld.with(.sqlite) { world in
            let document = try #require(try world.harness.get("/api/v1/openapi.json").json)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let sync = try #require(paths["/api/v1/station/sync"]?["post"] as? [String: Any])
            let body = (sync["requestBody"] as? [String: Any])?["content"] as? [String: Any]
            #expect(body?[StationLink.contentType] != nil)
            #expect((sync["security"] as? [[String: Any]])?.first?["stationLink"] != nil)
            let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
            let scheme = schemes?["stationLink"] as? [String: Any]
            #expect(scheme?["name"] as? String == StationLink.stationHeader)
            let enrol = paths[StationLink.enrolmentPath]?["post"] as? [String: Any]
            #expect((enrol?["security"] as? [Any])?.isEmpty == true)
        }
    }
}
