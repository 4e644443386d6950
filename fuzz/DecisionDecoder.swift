// libFuzzer entry point: the decision a key reads from a lock.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let decision = try? Decision.decode(bytes) { requireCanonical(bytes, decision.encoded) }
    return 0
}
