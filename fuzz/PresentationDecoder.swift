// libFuzzer entry point: the presentation a lock reads from any key.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let presentation = try? Presentation.decode(bytes) { requireCanonical(bytes, presentation.encoded) }
    return 0
}
