import CSodium

/// Secret material (a seed or a private key) that is wiped from memory when released.
///
/// A class so that the bytes have one owner and one place to zero them; copies of the struct
/// wrappers that hold it share the same storage instead of scattering the secret.
public final class SecretBytes: @unchecked Sendable {
    // Written only in init and deinit, so sharing between threads is safe.
    private var storage: [UInt8]

    /// Takes ownership of `bytes`; the caller should drop its own copy.
    public init(_ bytes: [UInt8]) {
        storage = bytes
    }

    /// The number of secret bytes.
    public var count: Int { storage.count }

    /// Runs `body` with read access to the secret; the pointer must not escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = storage.withUnsafeBytes { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    deinit {
        let count = storage.count
        guard count > 0 else { return }
        storage.withUnsafeMutableBytes { sodium_memzero($0.baseAddress!, count) }
    }
}

/// Compares two byte strings in time that depends only on their length, so that a mismatch does
/// not reveal where it happened. Different lengths compare unequal at once; lengths are not secret.
public func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard !lhs.isEmpty else { return true }
    Sodium.ensureInitialized()
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in
            sodium_memcmp(left.baseAddress!, right.baseAddress!, lhs.count) == 0
        }
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser may not remove.
public func secureZero(_ bytes: inout [UInt8]) {
    let count = bytes.count
    guard count > 0 else { return }
    bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress!, count) }
}
