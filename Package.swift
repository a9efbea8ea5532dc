// swift-tools-version: 6.1
import PackageDescription

/// Swift settings shared by every Swift target (see ../shared/design/style.md §1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// DCMTK is linked by library name: `pkg-config dcmtk` is broken on Debian 12 (platform.md).
let dcmtkLibraries: [LinkerSetting] = [
    "dcmnet", "dcmimage", "dcmimgle", "dcmjpeg", "ijg8", "ijg12", "ijg16", "dcmjpls", "dcmtkcharls",
    "dcmdata", "oflog", "ofstd",
].map { .linkedLibrary($0) }

let package = Package(
    name: "ingestd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ingestd", targets: ["ingestd"]),
        .executable(name: "ingestctl", targets: ["ingestctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C and C++ shims: the only places that touch C.
        .target(
            name: "CDCMTK",
            cxxSettings: [.headerSearchPath(".")],
            linkerSettings: dcmtkLibraries + [.linkedLibrary("z"), .linkedLibrary("stdc++")]
        ),
        .systemLibrary(name: "CRocksDB", pkgConfig: "rocksdb", providers: [.apt(["librocksdb-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Distance kernels for Index (AVX-512 / AVX2 / baseline picked at load time) and prefetch.
        .target(name: "CVectorKernels"),
        // Starting and reaping decode workers with no inherited descriptors (Foundation's Process leaks them).
        .target(name: "CProcessSpawn"),

        // Plumbing shared by several modules: NumPy .npy/.npz, PNG, tar.gz.
        .target(name: "DataFormats", dependencies: ["CZlib"], swiftSettings: swiftSettings),

        // Domain modules.
        .target(name: "DICOM", dependencies: ["CDCMTK", "DataFormats"], swiftSettings: swiftSettings),
        .target(
            name: "Evidence",
            dependencies: [
                "DataFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Index",
            dependencies: ["CRocksDB", "COpenBLAS", "CVectorKernels", "DataFormats", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Learner", dependencies: ["COpenBLAS", "DataFormats"], swiftSettings: swiftSettings),
        .target(name: "Phantom", dependencies: ["DICOM", "DataFormats"], swiftSettings: swiftSettings),

        // The daemon as a library, and the two thin executables.
        .target(
            name: "Ingestd",
            dependencies: [
                "CProcessSpawn", "DICOM", "Evidence", "Index", "Learner", "Phantom", "DataFormats",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ingestd",
            dependencies: ["Ingestd", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ingestctl",
            dependencies: [
                "Ingestd", "DICOM", "Evidence", "Index", "Learner", "Phantom", "DataFormats", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests. `TestSupport` locates ../shared/data, the test venv and the built executables.
        .target(name: "TestSupport", dependencies: ["Ingestd", "Phantom"], swiftSettings: swiftSettings),
        .testTarget(name: "DataFormatsTests", dependencies: ["DataFormats", "TestSupport"], swiftSettings: swiftSettings),
        // Fixtures are read by path (#filePath), not bundled.
        .testTarget(
            name: "DICOMTests", dependencies: ["DICOM", "DataFormats", "TestSupport"], exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
        .testTarget(name: "EvidenceTests", dependencies: ["Evidence", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "IndexTests", dependencies: ["Index", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "LearnerTests", dependencies: ["Learner", "DataFormats", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PhantomTests", dependencies: ["Phantom", "DICOM", "Evidence", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "IngestdTests", dependencies: ["Ingestd", "TestSupport", "Index", "Evidence", "DICOM", "Phantom"], swiftSettings: swiftSettings),
        // Real `ingestd` processes fed phantom studies: exactly-once across SIGKILL, quarantine, load, peers, PHI in logs.
        .testTarget(
            name: "IntegrationTests", dependencies: ["Ingestd", "Index", "Phantom", "DICOM", "TestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
