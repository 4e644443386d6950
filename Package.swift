// swift-tools-version: 6.2
//
// Portvakt's package. Targets are layered bottom-up:
//   C libraries (system-library targets and shims)
//   -> crypto, protocol and the device cores (lock, key)
//   -> observability, configuration, storage, HTTP
//   -> server and station
//   -> thin executables.
// See docs/architecture.md for the picture.

import PackageDescription

/// C shims and tools are held to the same bar: every warning is an error.
let strictC: [CSetting] = [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])]

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Portvakt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portvakt", targets: ["portvakt"]),
        .executable(name: "mhd-hello", targets: ["MHDHello"]),
        .executable(name: "AuthorizationBench", targets: ["AuthorizationBench"]),
        .executable(name: "StationBench", targets: ["StationBench"]),
    ],
    targets: [
        // MARK: C libraries from Debian

        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .target(name: "CMicroHTTPDShim", dependencies: ["CMicroHTTPD"], cSettings: strictC),

        // MARK: Credential protocol and device cores

        .target(name: "Crypto", dependencies: ["CSodium"], swiftSettings: strict),
        .target(name: "PortvaktProtocol", swiftSettings: strict),
        .target(name: "LockCore", dependencies: ["PortvaktProtocol"], swiftSettings: strict),
        .target(name: "KeyCore", dependencies: ["PortvaktProtocol"], swiftSettings: strict),
        .target(name: "ProtocolCrypto", dependencies: ["Crypto", "PortvaktProtocol"], swiftSettings: strict),
        .target(
            name: "CredentialIssuer", dependencies: ["PortvaktProtocol", "ProtocolCrypto", "Crypto"],
            swiftSettings: strict),
        .target(
            name: "ProtocolTesting",
            dependencies: ["PortvaktProtocol", "LockCore", "KeyCore", "ProtocolCrypto", "CredentialIssuer", "Crypto"],
            swiftSettings: strict),
        .executableTarget(
            name: "portvakt-protocol-bench",
            dependencies: ["ProtocolTesting", "LockCore", "KeyCore", "CredentialIssuer", "Crypto", "PortvaktProtocol"],
            path: "Sources/ProtocolBench", swiftSettings: strict),

        // MARK: Support

        .target(name: "Observability", swiftSettings: strict),
        .target(name: "Configuration", swiftSettings: strict),

        // MARK: Storage

        .target(name: "Storage", dependencies: ["Observability"], swiftSettings: strict),
        .target(name: "SQLiteStorage", dependencies: ["Storage", "CSQLite", "Observability"], swiftSettings: strict),
        .target(
            name: "PostgresStorage", dependencies: ["Storage", "CLibPQ", "Observability"], swiftSettings: strict),

        // MARK: HTTP

        .target(
            name: "HTTPServer", dependencies: ["CMicroHTTPD", "CMicroHTTPDShim", "Observability"],
            swiftSettings: strict),

        // MARK: Application

        // MARK: Authorization system

        .target(name: "Authorization", dependencies: ["Storage", "Observability"], swiftSettings: strict),
        .target(name: "Accounts", dependencies: ["Storage", "Crypto"], swiftSettings: strict),

        // MARK: Sync station

        .target(name: "StationLink", dependencies: ["Crypto"], swiftSettings: strict),
        .target(name: "Audit", dependencies: ["Storage", "Crypto"], swiftSettings: strict),
        .target(
            name: "EventLog", dependencies: ["Storage", "CredentialIssuer", "PortvaktProtocol", "ProtocolCrypto"],
            swiftSettings: strict),

        .target(
            name: "PortvaktServer",
            dependencies: [
                "Authorization", "HTTPServer", "Storage", "SQLiteStorage", "PostgresStorage", "Configuration",
                "Observability", "Accounts", "Audit", "EventLog", "CredentialIssuer", "Crypto", "PortvaktProtocol",
                "ProtocolCrypto", "StationLink",
            ],
            swiftSettings: strict),
        .target(
            name: "Station",
            dependencies: [
                "StationLink", "KeyCore", "PortvaktProtocol", "ProtocolCrypto", "Crypto", "Storage", "SQLiteStorage",
                "Observability", "Configuration",
            ],
            swiftSettings: strict),

        .target(
            name: "PortvaktCLI",
            dependencies: [
                "PortvaktServer", "Station", "Accounts", "Configuration", "HTTPServer", "Observability", "Storage",
            ],
            swiftSettings: strict),
        .executableTarget(name: "portvakt", dependencies: ["PortvaktCLI"], swiftSettings: strict),

        // MARK: Benchmarks and test support

        .executableTarget(name: "MHDHello", dependencies: ["CMicroHTTPD", "CMicroHTTPDShim"], cSettings: strictC),
        .target(name: "BenchSupport", dependencies: ["Authorization", "Storage"], swiftSettings: strict),
        .executableTarget(
            name: "AuthorizationBench",
            dependencies: [
                "Authorization", "BenchSupport", "Storage", "SQLiteStorage", "PortvaktTesting", "Observability",
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "StationBench",
            dependencies: [
                "BenchSupport", "PortvaktServer", "Station", "StationLink", "KeyCore", "LockCore", "PortvaktProtocol",
                "ProtocolCrypto", "ProtocolTesting", "Crypto", "Accounts", "Authorization", "Storage", "SQLiteStorage",
                "PostgresStorage", "Observability", "Configuration",
            ],
            swiftSettings: strict),
        .target(
            name: "PortvaktTesting", dependencies: ["Storage", "SQLiteStorage", "PostgresStorage", "Observability"],
            swiftSettings: strict),
        .executableTarget(
            name: "portvakt-station-chaos",
            dependencies: [
                "PortvaktServer", "Station", "Authorization", "Accounts", "Configuration", "Observability", "LockCore",
                "KeyCore", "PortvaktProtocol", "ProtocolCrypto", "Crypto",
            ],
            path: "Sources/StationChaos", swiftSettings: strict),

        // MARK: Tests

        .testTarget(name: "ObservabilityTests", dependencies: ["Observability"], swiftSettings: strict),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"], swiftSettings: strict),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "SQLiteStorage", "PostgresStorage", "PortvaktTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "AuthorizationTests",
            dependencies: ["Authorization", "Storage", "SQLiteStorage", "PortvaktTesting", "Observability"],
            swiftSettings: strict),
        .testTarget(
            name: "HTTPServerTests", dependencies: ["HTTPServer", "PortvaktTesting", "Observability"],
            swiftSettings: strict),
        .testTarget(
            name: "PortvaktServerTests",
            dependencies: [
                "PortvaktServer", "PortvaktCLI", "PortvaktTesting", "Accounts", "Audit", "Authorization",
                "Observability", "SQLiteStorage", "Storage", "EventLog", "ProtocolTesting", "CredentialIssuer",
                "KeyCore", "LockCore", "PortvaktProtocol", "StationLink", "Crypto", "ProtocolCrypto",
            ],
            swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: strict),
        .testTarget(name: "StationLinkTests", dependencies: ["StationLink", "Crypto"], swiftSettings: strict),
        .testTarget(
            name: "PortvaktProtocolTests",
            dependencies: [
                "PortvaktProtocol", "ProtocolTesting", "CredentialIssuer", "LockCore", "KeyCore", "ProtocolCrypto",
                "Crypto",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "LockCoreTests", dependencies: ["LockCore", "KeyCore", "ProtocolTesting", "CredentialIssuer"],
            swiftSettings: strict),
        .testTarget(
            name: "KeyCoreTests", dependencies: ["KeyCore", "LockCore", "ProtocolTesting", "CredentialIssuer"],
            swiftSettings: strict),
        .testTarget(
            name: "CredentialIssuerTests", dependencies: ["CredentialIssuer", "ProtocolTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "AccountsTests", dependencies: ["Accounts", "PortvaktServer", "PortvaktTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "PortvaktServer", "PortvaktTesting", "Authorization", "Storage", "ProtocolTesting",
                "CredentialIssuer", "KeyCore", "LockCore", "PortvaktProtocol", "Crypto",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "StationTests",
            dependencies: [
                "Station", "StationLink", "PortvaktCLI", "PortvaktServer", "PortvaktTesting", "KeyCore", "LockCore",
                "PortvaktProtocol", "ProtocolCrypto", "ProtocolTesting", "CredentialIssuer", "Crypto", "Storage",
                "SQLiteStorage", "Observability", "HTTPServer", "Configuration",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "AuditTests", dependencies: ["Audit", "PortvaktServer", "PortvaktTesting"], swiftSettings: strict),
    ]
)
