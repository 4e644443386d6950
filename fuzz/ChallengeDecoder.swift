// libFuzzer entry point: the challenge a key reads from any lock.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let challenge = try? Challenge.decode(bytes) { requireCanonical(bytes, challenge.encoded) }
    return 0
}
