// libFuzzer entry point: the event receipt a lock reads from a key.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let receipt = try? EventReceipt.decode(bytes) { requireCanonical(bytes, receipt.encoded) }
    return 0
}
