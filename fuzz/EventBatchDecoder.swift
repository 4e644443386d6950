// libFuzzer entry point: the opened lock event batch the server reads.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let batch = try? EventBatch.decode(bytes) { requireCanonical(bytes, batch.encoded) }
    return 0
}
