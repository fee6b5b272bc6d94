import Foundation

/// Where tests find data files.
///
/// Two folders with the layout of `../shared/data` (see its README.md):
///
/// - ``fixtures``, `Tests/Fixtures/data` in the repository: the first 200 training and 200 test
///   images of MNIST and Fashion-MNIST and the first 300 rows of `digits.csv.gz`, cut from the real
///   files (facts in `Tests/Fixtures/data/README.md`). Tests that only need *some* real images use
///   these and run everywhere.
/// - ``folder``, the full data: `$NEUROMOD_TEST_DATA` (absolute, or relative to the package root),
///   else `../shared/data` beside the package root. Tests that check the published facts of the
///   full files run only when ``has(_:)`` says the files are there; when `NEUROMOD_TEST_DATA` is set
///   (CI sets it) they always run, so missing data fails them instead of skipping them silently.
public enum TestData {
    /// The package root, found from this file's path (Tests/NeuromodTestSupport/TestData.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The small data files shipped in the repository.
    public static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/data").path

    /// The value of `NEUROMOD_TEST_DATA`, if set and non-empty.
    static let configured: String? = ProcessInfo.processInfo.environment["NEUROMOD_TEST_DATA"].flatMap { $0.isEmpty ? nil : $0 }

    /// The full data folder (absolute, standardized).
    public static let folder: String = {
        let given = configured ?? "../shared/data"
        let url = given.hasPrefix("/") ? URL(fileURLWithPath: given) : packageRoot.appendingPathComponent(given)
        return url.standardized.path
    }()

    /// `relative` inside the full data folder.
    public static func full(_ relative: String) -> String { folder + "/" + relative }

    /// `relative` inside the fixtures folder.
    public static func fixture(_ relative: String) -> String { fixtures + "/" + relative }

    /// Whether tests needing `relatives` in the full data folder should run: true when every one
    /// exists, and always when `NEUROMOD_TEST_DATA` is set (the test then fails on a missing file).
    public static func has(_ relatives: String...) -> Bool {
        configured != nil || relatives.allSatisfy { FileManager.default.fileExists(atPath: full($0)) }
    }

    /// Why a full-data test is skipped: names the files, the folder and the variable.
    public static func skipReason(_ relatives: String...) -> String {
        "needs \(relatives.joined(separator: " and ")) in \(folder) (set NEUROMOD_TEST_DATA to the full data folder)"
    }
}
