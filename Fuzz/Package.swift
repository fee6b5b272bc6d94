// swift-tools-version: 6.0
import PackageDescription

// libFuzzer executables, one per reader (see README.md). Built with the sanitizer flags on the
// command line (`make fuzz`), so the main package needs no unsafe flags:
//   swift build -c release -Xswiftc -sanitize=fuzzer
let targets = ["spec", "gzip", "idx", "csv", "pixels"]

let package = Package(
    name: "NeuromodFuzz",
    dependencies: [.package(name: "Neuromod", path: "..")],
    targets: [
        .target(name: "FuzzDriver", dependencies: [.product(name: "NeuromodFuzzing", package: "Neuromod")]),
    ] + targets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver"], path: "Sources/fuzz-\(name)")
    },
    swiftLanguageModes: [.v6]
)
