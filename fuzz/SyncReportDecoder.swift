// libFuzzer entry point: the report a station and the server read from a key.

import PortvaktProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = input(data, size)
    if let report = try? SyncReport.decode(bytes) { requireCanonical(bytes, report.encoded) }
    return 0
}
