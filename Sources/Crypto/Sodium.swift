import CSodium

/// The one place that initialises libsodium.
///
/// `sodium_init` is safe to call more than once, but every entry point of this module goes through
/// ``Sodium/ensureInitialized()`` so that no caller can forget it and use an unseeded random generator.
enum Sodium {
    private static let status: Int32 = sodium_init()

    /// Initialises libsodium on first use; traps when the library cannot start, because nothing
    /// cryptographic can be done safely after that.
    static func ensureInitialized() {
        precondition(status >= 0, "libsodium failed to initialise")
    }
}
