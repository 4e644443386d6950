// libFuzzer entry point: the credential inside presentations and activations.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let credential = try? Credential.decode(bytes) { requireCanonical(bytes, credential.encoded) }
    return 0
}
