import KeyCore
import LockCore
import PortvaktProtocol
import ProtocolTesting
import Testing

@Suite("Replays, downgrades and malformed input")
struct ReplayAndDowngradeTests {
    @Test("a recorded presentation replayed to a new challenge is refused")
    func replayToNewChallenge() throws {
        var scenario = try Scenario()
        let first = try scenario.key.answer(scenario.lock.challenge()).presentation
        #expect(try Decision.decode(scenario.lock.receive(first)).opened)

        _ = scenario.lock.challenge()
        #expect(try Decision.decode(scenario.lock.receive(first)).reason == .noChallenge)
    }

    @Test("a presentation is answered once: the same one again finds no challenge")
    func replayToSameChallenge() throws {
        var scenario = try Scenario()
        let presentation = try scenario.key.answer(scenario.lock.challenge()).presentation
        #expect(try Decision.decode(scenario.lock.receive(presentation)).opened)
        #expect(try Decision.decode(scenario.lock.receive(presentation)).reason == .noChallenge)
    }

    @Test("a replay with the new nonce pasted in fails the key's signature")
    func replayWithPastedNonce() throws {
        var scenario = try Scenario()
        let old = try Presentation.decode(try scenario.key.answer(scenario.lock.challenge()).presentation)
        let challenge = try Challenge.decode(scenario.lock.challenge())
        var replay = old
        replay.nonceEcho = challenge.nonce
        #expect(try Decision.decode(scenario.lock.receive(replay.encoded)).reason == .badKeySignature)
    }

    @Test("a challenge times out")
    func challengeTimeout() throws {
        var scenario = try Scenario()
        let presentation = try scenario.key.answer(scenario.lock.challenge()).presentation
        scenario.clock.uptime += 10_001
        #expect(try Decision.decode(scenario.lock.receive(presentation)).reason == .noChallenge)
    }

    @Test("capabilities stripped from the challenge in transit are detected as a transcript mismatch")
    func strippedCapabilities() throws {
        var scenario = try Scenario()
        var challenge = try Challenge.decode(scenario.lock.challenge())
        challenge.capabilities.remove(.eventHandoff)
        challenge.capabilities.remove(.revocationUpdate)
        let presentation = try scenario.key.answer(challenge.encoded).presentation
        #expect(try Decision.decode(scenario.lock.receive(presentation)).reason == .badKeySignature)
    }

    @Test("any other challenge field altered in transit, such as the clock flag, breaks the transcript")
    func alteredChallengeFlag() throws {
        var scenario = try Scenario()
        var challenge = try Challenge.decode(scenario.lock.challenge())
        challenge.hasClock.toggle()
        let presentation = try scenario.key.answer(challenge.encoded).presentation
        #expect(try Decision.decode(scenario.lock.receive(presentation)).reason == .badKeySignature)
    }

    @Test("key capabilities altered after signing are refused")
    func alteredKeyCapabilities() throws {
        var scenario = try Scenario()
        let decision = try scenario.decide(resign: false) { $0.keyCapabilities = [] }
        #expect(decision.reason == .badKeySignature)
    }

    @Test("a key claiming no common version is refused as unsupported")
    func noCommonVersion() throws {
        var scenario = try Scenario()
        #expect(try scenario.decide { $0.keyMaxVersion = 0 }.reason == .unsupportedVersion)
    }

    @Test("a presentation with an unknown version byte is refused as unsupported")
    func unknownVersion() throws {
        var scenario = try Scenario()
        var bytes = try scenario.key.answer(scenario.lock.challenge()).presentation
        bytes[2] = 2
        #expect(try Decision.decode(scenario.lock.receive(bytes)).reason == .unsupportedVersion)
    }

    @Test("every truncation of a presentation is malformed")
    func truncated() throws {
        var scenario = try Scenario()
        let challenge = scenario.lock.challenge()
        let bytes = try scenario.key.answer(challenge).presentation
        for length in stride(from: 4, to: bytes.count, by: 7) {
            _ = scenario.lock.challenge()
            #expect(scenario.lock.decide(Array(bytes.prefix(length))).reason == .malformed, "length \(length)")
        }
    }

    @Test("oversized messages are malformed: a trailing byte, a deep proof, a flood")
    func oversized() throws {
        var scenario = try Scenario()
        _ = scenario.lock.challenge()
        let honest = try scenario.key.answer(scenario.lock.challenge()).presentation
        #expect(scenario.lock.decide(honest + [0]).reason == .malformed)

        _ = scenario.lock.challenge()
        var deep = try Presentation.decode(honest)
        deep.proof = Array(repeating: [UInt8](repeating: 1, count: 32), count: ProtocolLimits.maxProofDepth)
        var bytes = deep.unsignedBody + deep.signature
        bytes[Presentation.fixedLength - 65] = 13  // sibling count beyond the limit
        #expect(scenario.lock.decide(bytes).reason == .malformed)

        _ = scenario.lock.challenge()
        #expect(scenario.lock.decide(honest + [UInt8](repeating: 0xFF, count: 20_000)).reason == .malformed)
        #expect(try RevocationUpdate.decodeStatus(scenario.lock.receive([0x50])) == .malformed)
    }

    @Test("after any refusal the challenge is spent")
    func refusalSpendsChallenge() throws {
        var scenario = try Scenario()
        let challenge = scenario.lock.challenge()
        let honest = try scenario.key.answer(challenge).presentation
        #expect(scenario.lock.decide(Array(honest.prefix(50))).reason == .malformed)
        #expect(scenario.lock.decide(honest).reason == .noChallenge)
    }
}
