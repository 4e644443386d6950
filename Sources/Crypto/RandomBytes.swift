import CSodium

/// Cryptographically secure random bytes from the operating system, through libsodium.
public enum RandomBytes {
    /// Returns `count` fresh random bytes.
    public static func generate(_ count: Int) -> [UInt8] {
        Sodium.ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return bytes
    }
}
