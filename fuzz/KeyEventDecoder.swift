// libFuzzer entry point: the opened key event the server reads.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let event = try? KeyEvent.decode(bytes) { requireCanonical(bytes, event.encoded) }
    return 0
}
