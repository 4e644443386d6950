// libFuzzer entry point: the activation a key reads from a station.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let activation = try? Activation.decode(bytes) { requireCanonical(bytes, activation.encoded) }
    return 0
}
