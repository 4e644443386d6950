// libFuzzer entry point: a key fed any sequence of station and lock messages, with signatures
// accepted so the fuzzer reaches the logic behind them. Traps if stored entries lose their order.

import KeyCore
import PortvaktProtocol

extension FuzzClock: KeyClock {
    func unixTime() -> UInt64 { now }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let anchor = TrustAnchor(
        issuerID: 1, keyID: IssuerKeyID([UInt8](repeating: 1, count: 8))!, publicKey: [UInt8](repeating: 2, count: 32),
        notBefore: 0, notAfter: .max)
    var key = KeyCore(
        configuration: KeyConfiguration(trustAnchors: [anchor], ownEventReserve: 2), crypto: PermissiveCrypto(),
        signer: PermissiveCrypto(), clock: FuzzClock(), store: InMemoryKeyStore(uploadCapacity: 8))

    for message in messages(input(data, size)) {
        guard let operation = message.first else { continue }
        let body = Array(message.dropFirst())
        switch operation % 6 {
        case 0: try? key.activate(body)
        case 1: _ = try? key.answer(body)
        case 2: _ = try? key.accept(body)
        case 3: _ = try? key.report(hello: body, battery: BatteryReading(percent: operation % 101, millivolts: 3_700))
        case 4: _ = try? key.acknowledge(body)
        default:
            if let activation = key.store.activation, let challenge = try? Challenge.decode(body) {
                // Point the challenge at a lock the key holds, so that answers and decisions follow.
                var aimed = challenge
                if let first = activation.permissions.first { aimed.lockID = first.lockID }
                _ = try? key.answer(aimed.encoded)
            }
        }
        let sequences = key.store.uploads.map(\.sequence)
        for index in sequences.indices.dropFirst() where sequences[index] <= sequences[index - 1] {
            fatalError("upload sequence numbers out of order")
        }
        if key.store.uploads.count > key.store.uploadCapacity { fatalError("store over capacity") }
    }
    return 0
}
