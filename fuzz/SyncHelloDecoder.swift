// libFuzzer entry point: the hello a key reads from a station.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let hello = try? SyncHello.decode(bytes) { requireCanonical(bytes, hello.encoded) }
    return 0
}
