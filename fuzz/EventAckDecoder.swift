// libFuzzer entry point: the acknowledgement a key reads from a station.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let ack = try? EventAck.decode(bytes) { requireCanonical(bytes, ack.encoded) }
    return 0
}
