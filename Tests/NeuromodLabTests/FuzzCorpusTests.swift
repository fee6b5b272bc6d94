import Foundation
import NeuromodFuzzing
import NeuromodTestSupport
import Testing

/// The fuzz corpus in Tests/Fixtures/fuzz/<target>/ replayed through the fuzz targets' entry points
/// without the fuzzer (Fuzz/README.md): `seed-*` files are valid input that some reader accepts (so
/// the fuzzer starts deep inside the parsers), `regression-*` files are what the fuzzer once found
/// (a crash, a hang or unbounded memory) and must now be refused with an error.
@Suite struct FuzzCorpusTests {
    static func files(_ entry: FuzzEntry, prefix: String) throws -> [URL] {
        let folder = URL(fileURLWithPath: TestData.packageRoot.path + "/Tests/Fixtures/fuzz/" + entry.rawValue)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix(prefix) }.sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzEntry.allCases)
    func everySeedIsAccepted(_ entry: FuzzEntry) throws {
        let seeds = try Self.files(entry, prefix: "seed-")
        #expect(seeds.count >= 4, "too few seeds for \(entry)")
        for seed in seeds {
            #expect(entry.run([UInt8](try Data(contentsOf: seed))), "\(seed.lastPathComponent) is refused")
        }
    }

    @Test(arguments: FuzzEntry.allCases)
    func everyRegressionIsRefusedWithoutCrashing(_ entry: FuzzEntry) throws {
        for input in try Self.files(entry, prefix: "regression-") {
            #expect(!entry.run([UInt8](try Data(contentsOf: input))), "\(input.lastPathComponent) is accepted")
        }
    }
}
