// libFuzzer entry point: one permission leaf.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let permission = try? Permission.decode(bytes) { requireCanonical(bytes, permission.encoded) }
    return 0
}
