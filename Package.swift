// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Neuromod",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Neuromod", targets: ["Neuromod"]),
        .library(name: "NeuromodTasks", targets: ["NeuromodTasks"]),
        .library(name: "NeuromodLab", targets: ["NeuromodLab"]),
        .library(name: "NeuromodReport", targets: ["NeuromodReport"]),
        // The fuzz targets' entry points, for the libFuzzer package in Fuzz/ (see Fuzz/README.md).
        .library(name: "NeuromodFuzzing", targets: ["NeuromodFuzzing"]),
        .executable(name: "neuromod", targets: ["neuromod"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // `swift package generate-documentation` (make docs); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // GSL with its CBLAS calls bound to OpenBLAS (link lines written by hand, see module.modulemap).
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The hot elementwise loops in C, compiled once per instruction-set level (portable, AVX2,
        // AVX-512) and chosen at run time; see Sources/CNeuromodKernels/kernels.c.
        .target(name: "CNeuromodKernels"),
        .target(name: "Neuromod", dependencies: ["CGSL", "CNeuromodKernels"]),
        .target(name: "NeuromodTasks", dependencies: ["Neuromod", "CZlib"]),
        .target(
            name: "NeuromodLab",
            dependencies: ["Neuromod", "NeuromodTasks", .product(name: "Yams", package: "Yams")]),
        // Figures (SVG) and notebook export: reads run folders by their file formats, needs no other target.
        .target(name: "NeuromodReport"),
        .target(name: "NeuromodFuzzing", dependencies: ["NeuromodLab", "NeuromodTasks"]),
        .executableTarget(
            name: "neuromod",
            dependencies: ["NeuromodLab", "NeuromodReport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Timing benchmark (not a test): one update per method and the noise floor; see Benchmarks/README.md.
        .executableTarget(
            name: "neuromod-bench", dependencies: ["Neuromod", "NeuromodLab", "NeuromodTasks"],
            path: "Benchmarks/Sources/neuromod-bench"),
        // The README's library examples, through the public API only (no @testable); not a product.
        .executableTarget(name: "neuromod-examples", dependencies: ["Neuromod", "NeuromodTasks"], path: "Examples"),
        // CGSL directly: the trace tests check closed forms against GSL quadrature; AllocationCounter
        // for the no-allocation-per-step tests.
        .testTarget(name: "NeuromodTests", dependencies: ["Neuromod", "CGSL", "AllocationCounter"]),
        // Counts the test process's calls to the C allocator (interposes malloc on Linux/glibc); tests only.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        // What the test targets share: where the data files are (fixtures and the full data folder).
        .target(name: "NeuromodTestSupport", path: "Tests/NeuromodTestSupport"),
        .testTarget(name: "NeuromodTasksTests", dependencies: ["NeuromodTasks", "NeuromodTestSupport"]),
        .testTarget(name: "NeuromodReportTests", dependencies: ["NeuromodReport", "NeuromodTestSupport"]),
        .testTarget(name: "NeuromodLabTests", dependencies: ["NeuromodLab", "NeuromodFuzzing", "NeuromodTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
