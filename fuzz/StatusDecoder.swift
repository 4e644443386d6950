// libFuzzer entry point: the status reply a key reads from a lock.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let reason = try? RevocationUpdate.decodeStatus(bytes) {
        requireCanonical(bytes, RevocationUpdate.status(reason, version: bytes[2]))
    }
    return 0
}
