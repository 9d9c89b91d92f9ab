// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "pesscan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pesscan", targets: ["pesscan"]),
        .library(name: "PESCore", targets: ["PESCore"]),
        .library(name: "PESStore", targets: ["PESStore"]),
        .library(name: "PESFit", targets: ["PESFit"]),
        .library(name: "PESEngines", targets: ["PESEngines"]),
        .library(name: "PESDispatch", targets: ["PESDispatch"]),
        .library(name: "PESReport", targets: ["PESReport"]),
        .library(name: "PESExport", targets: ["PESExport"]),
        .library(name: "PESWorkflow", targets: ["PESWorkflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLAPACK",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        .target(name: "PESCore"),
        .target(
            name: "PESStore",
            dependencies: [
                "PESCore", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own calls, for the bulk inserts that bind values without GRDB's argument arrays.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(name: "PESFit", dependencies: ["PESCore", "CLAPACK"]),
        .target(name: "PESEngines", dependencies: ["PESCore"]),
        .target(
            name: "PESDispatch",
            dependencies: ["PESCore", "PESEngines", "PESStore", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "PESReport", dependencies: ["PESCore", "PESFit"]),
        .target(name: "PESExport", dependencies: ["PESCore", "PESStore"]),
        .target(
            name: "PESWorkflow",
            dependencies: ["PESCore", "PESStore", "PESFit", "PESEngines", "PESDispatch", "PESReport", "PESExport"]
        ),
        .executableTarget(
            name: "pesscan",
            dependencies: [
                "PESCore", "PESStore", "PESFit", "PESEngines", "PESDispatch", "PESReport", "PESExport", "PESWorkflow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release binary carries the Swift runtime and Foundation inside it: a `model-energy` child, started once
            // per point, then skips loading and relocating them (about half its start-up). Debug builds and tests, which
            // link pesscan's objects into the test bundle beside the shared Foundation, keep the shared libraries.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
        ),
        .executableTarget(name: "pesscan-bench", dependencies: ["PESFit"]),
        .target(name: "PESTestSupport", dependencies: ["PESCore"], path: "Tests/PESTestSupport"),
        .testTarget(name: "PESCoreTests", dependencies: ["PESCore", "PESTestSupport"]),
        .testTarget(name: "PESStoreTests", dependencies: ["PESStore", "PESTestSupport"]),
        .testTarget(name: "PESFitTests", dependencies: ["PESFit", "PESEngines", "PESTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PESEnginesTests", dependencies: ["PESEngines", "PESTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PESDispatchTests",
            dependencies: ["PESDispatch", "PESStore", "PESEngines", "PESTestSupport"]
        ),
        .testTarget(name: "PESReportTests", dependencies: ["PESReport", "PESFit", "PESEngines", "PESTestSupport"]),
        .testTarget(name: "PESExportTests", dependencies: ["PESExport", "PESStore", "PESTestSupport"]),
        .testTarget(
            name: "PESWorkflowTests", dependencies: ["PESWorkflow", "PESStore", "PESExport", "PESFit", "PESReport", "PESEngines", "PESTestSupport"]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["pesscan", "PESTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "FaultTests",
            dependencies: ["pesscan", "PESTestSupport", "PESCore", "PESEngines", "PESDispatch", "PESStore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
