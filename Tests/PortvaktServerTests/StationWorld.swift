import Accounts
import Authorization
import Crypto
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import ProtocolTesting
import StationLink
import Storage
import Synchronization
import Testing

/// A clock tests move by hand, shared by the server and its stations.
final class ManualClock: Sendable {
    private let milliseconds: Mutex<Int64>

    init(_ start: Int64) { milliseconds = Mutex(start) }

    var now: Int64 { milliseconds.withLock { $0 } }

    func advance(_ delta: Int64) { milliseconds.withLock { $0 += delta } }
}

/// A running server whose issuer is the protocol fixture's, so that keys and locks made with
/// `DoorFixture` trust what it signs; demo organisations, bearers for the roles the tests use,
/// and a clock the tests move.
struct StationWorld {
    let harness: AppHarness
    let clock: ManualClock
    let fixture = DoorFixture()
    let keys: ServerKeys
    let central: String
    let norrAdmin: String
    let norrPlanner: String
    let soderAdmin: String

    var database: any Database { harness.database }
    var access: AccessStore {
        let clock = self.clock
        return AccessStore(database: database, clock: { WallTime(millisecondsSinceEpoch: clock.now) })
    }

    static func with(_ backend: TestBackend, _ body: (StationWorld) throws -> Void) throws {
        try backend.withDatabase { test in
            // A fixed Monday, 09:00 in Stockholm, so schedules and shifts give the same answers
            // on every run.
            let clock = ManualClock(Int64(DoorFixture.monday0800) * 1000)
            // The same seeds as DoorFixture(): its signing key, and its event key.
            let keys = try ServerKeys(
                issuerID: 1, issuerSeed: [UInt8](repeating: 0x11, count: 32),
                eventSeed: [UInt8](repeating: 0x33, count: 32), linkSeed: RandomBytes.generate(32))
            let harness = try AppHarness.start(test.database, keys: keys, now: { clock.now })
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            func bearer(_ organisation: String, _ role: Role) throws -> String {
                try BootstrapTokens.create(
                    organisationID: organisation, role: role, name: "test", days: 30, database: test.database,
                    now: clock.now, actor: "test"
                ).bearer
            }
            try body(
                StationWorld(
                    harness: harness, clock: clock, keys: keys,
                    central: try bearer("org-central", .centralAdministrator),
                    norrAdmin: try bearer("org-norr", .providerAdministrator),
                    norrPlanner: try bearer("org-norr", .planner),
                    soderAdmin: try bearer("org-soder", .providerAdministrator)))
        }
    }

    /// A bearer-authenticated call.
    func call(_ method: String, _ path: String, bearer: String, json: String? = nil) throws -> TestHTTPResponse {
        var headers = [("Authorization", "Bearer \(bearer)")]
        if json != nil { headers.append(("Content-Type", "application/json")) }
        return try TestHTTPClient.request(
            port: harness.port, method, path, headers: headers, body: Array((json ?? "").utf8))
    }

    /// Creates a station for `organisation` and returns its id and one-time code.
    func createStation(
        _ name: String = "Kungsholmen office", organisation: String = "org-norr", bearer: String? = nil
    ) throws -> (id: String, code: EnrolmentCode) {
        let response = try call(
            "POST", "/api/v1/stations", bearer: bearer ?? central,
            json: #"{"name":"\#(name)","organisationID":"\#(organisation)"}"#)
        #expect(response.status == 201, "\(response.text)")
        let code = try EnrolmentCode(try #require(response.json?["enrolmentCode"] as? String))
        return (try #require(response.json?["id"] as? String), code)
    }

    /// Sends an enrolment for `code` with a fresh station key, or with `proof` when given.
    func enrolment(_ code: EnrolmentCode, key: Ed25519.PrivateKey, proof: [UInt8]? = nil) throws -> TestHTTPResponse {
        let request = EnrolmentRequest(
            lookup: code.lookup, stationPublicKey: Data(key.publicKey).base64EncodedString(),
            proof: Data(proof ?? code.key.requestProof(stationPublicKey: key.publicKey)).base64EncodedString())
        return try TestHTTPClient.request(
            port: harness.port, "POST", StationLink.enrolmentPath,
            json: String(decoding: try JSONEncoder().encode(request), as: UTF8.self))
    }

    /// Creates and enrols a station of `organisation`, checking the server's proof as a station must.
    func enrolledStation(organisation: String = "org-norr") throws -> TestStation {
        let (_, code) = try createStation(organisation: organisation)
        let key = Ed25519.PrivateKey.generate()
        let response = try enrolment(code, key: key)
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONDecoder().decode(EnrolmentResponse.self, from: Data(response.body))
        let enrolled = EnrolledKeys(
            stationID: answer.stationID, organisationID: answer.organisationID, issuerID: answer.issuerID,
            stationPublicKey: key.publicKey, linkPublicKey: bytes(answer.linkPublicKey),
            issuerPublicKey: bytes(answer.issuerPublicKey), eventPublicKey: bytes(answer.eventPublicKey))
        #expect(code.key.acceptsResponseProof(bytes(answer.proof), for: enrolled))
        return TestStation(
            id: answer.stationID, key: key,
            channel: try LinkChannel(privateKey: key, peerPublicKey: enrolled.linkPublicKey), port: harness.port,
            clock: clock)
    }

    func bytes(_ base64: String) -> [UInt8] { Array(Data(base64Encoded: base64) ?? Data()) }
}

/// An enrolled station as the tests drive it: it seals each request and checks each answer.
struct TestStation {
    let id: String
    let key: Ed25519.PrivateKey
    let channel: LinkChannel
    let port: UInt16
    let clock: ManualClock

    /// A sealed request for `operation` with `body`, at the station's time unless `time` is given.
    func seal(_ operation: StationOperation, _ body: some Encodable, time: Int64? = nil) throws -> SealedRequest {
        channel.sealRequest(
            method: "POST", path: operation.path, body: Array(try JSONEncoder().encode(body)), time: time ?? clock.now)
    }

    /// Posts sealed bytes as this station (or as `stationID`).
    func post(_ path: String, _ bytes: [UInt8], stationID: String? = nil) throws -> TestHTTPResponse {
        try TestHTTPClient.request(
            port: port, "POST", path,
            headers: [("Content-Type", StationLink.contentType), (StationLink.stationHeader, stationID ?? id)],
            body: bytes)
    }

    /// Calls `operation` and opens the answer, which must be sealed for this request and carry
    /// the same status as the HTTP status line.
    func send<Answer: Decodable>(_ operation: StationOperation, _ body: some Encodable, as: Answer.Type) throws
        -> (status: Int, answer: Answer?, raw: LinkResponse)
    {
        let request = try seal(operation, body)
        let response = try post(operation.path, request.bytes)
        #expect(response.headers["content-type"] == StationLink.contentType, "\(response.status) \(response.text)")
        let opened = try channel.openResponse(response.body, requestNonce: request.nonce)
        #expect(opened.status == response.status)
        return (opened.status, try? JSONDecoder().decode(Answer.self, from: Data(opened.body)), opened)
    }
}
