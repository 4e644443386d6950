// libFuzzer entry point: revocation lists, bare and framed, that locks and keys read.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let list = try? RevocationList.decode(bytes) { requireCanonical(bytes, list.encoded) }
    if let list = try? RevocationUpdate.decode(bytes) {
        requireCanonical(bytes, RevocationUpdate.encode(list, version: bytes[2]))
    }
    return 0
}
