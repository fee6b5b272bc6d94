import Foundation
import Neuromod
import NeuromodTestSupport
import Testing
@testable import NeuromodTasks

/// Checks against ../shared/data/README.md; skipped where the full data folder is absent.
@Suite(.enabled(if: TestData.has("california_housing.csv"), Comment(rawValue: TestData.skipReason("california_housing.csv"))))
struct CaliforniaHousingTests {
    let sharedHousingPath = TestData.full("california_housing.csv")

    /// Column means and population stds from the README table (rounded to 6 decimals, so 1e-5 is
    /// twenty times the rounding).
    let readmeMean = [3.870671, 28.639486, 5.429000, 1.096675, 1425.476744, 3.070655, 35.631861, -119.569704, 2.068558]
    let readmeStd = [1.899776, 12.585253, 2.474113, 0.473899, 1132.434688, 10.385798, 2.135901, 2.003483, 1.153928]

    @Test func sharedCSVMatchesTheReadme() throws {
        let table = try CSVTable.load(path: sharedHousingPath)
        #expect(table.rows == 20_640)
        #expect(table.columns == CaliforniaHousing.featureNames + [CaliforniaHousing.targetName])
        #expect(table.values.row(0) == [8.3252, 41.0, 6.984126984126984, 1.0238095238095237, 322.0,
                                        2.5555555555555554, 37.88, -122.23, 4.526])
        var stats = Standardizer()
        try stats.fit(table.values, columnNames: table.columns, source: sharedHousingPath)
        for c in 0..<9 {
            #expect(abs(stats.mean[c] - readmeMean[c]) < 1e-5, "mean of \(table.columns[c])")
            #expect(abs(stats.std[c] - readmeStd[c]) < 1e-5, "std of \(table.columns[c])")
        }
    }

    @Test func shippedHousingEqualsSharedCSV() throws {
        let shipped = try CSVTable.load(path: TestData.packageRoot.appendingPathComponent(CaliforniaHousing.shippedPath).path)
        let shared = try CSVTable.load(path: sharedHousingPath)
        #expect(shipped.columns == shared.columns)
        #expect(shipped.values == shared.values)
    }

    @Test func loadSplitsAndStandardizesOnTheTrainingRows() throws {
        let split = try CaliforniaHousing.load(path: sharedHousingPath, testFraction: 0.2, seed: 3)
        let test = try #require(split.test)
        #expect(split.train.count == 16_512 && test.count == 4_128)
        #expect(split.train.inputNames == CaliforniaHousing.featureNames)
        #expect(split.train.targetNames == ["MedHouseVal"])

        // Training features: mean 0, population std 1 (1e-10 covers rounding over 16,512 rows).
        var check = Standardizer()
        try check.fit(split.train.inputs)
        #expect(check.mean.allSatisfy { abs($0) < 1e-10 })
        #expect(check.std.allSatisfy { abs($0 - 1) < 1e-10 })
        // Test features use the training statistics, so they are close to but not exactly standard.
        try check.fit(test.inputs)
        #expect(check.mean.allSatisfy { abs($0) < 0.1 } && check.mean.contains { abs($0) > 1e-10 })

        // Targets stay in units of 100,000 USD and rows stay whole: the split's rows are a permutation
        // of the file's targets.
        let raw = try CSVTable.load(path: sharedHousingPath)
        let allTargets = (0..<raw.rows).map { raw.values[$0, 8] }
        #expect((split.train.targets.storage + test.targets.storage).sorted() == allTargets.sorted())
    }

    @Test func standardizedTargetsCanBeRestored() throws {
        let prepared = try CaliforniaHousing.prepare(path: sharedHousingPath, testFraction: 0.2, seed: 3,
                                                     standardizeTargets: true)
        let scaler = try #require(prepared.targets)
        var check = Standardizer()
        try check.fit(prepared.split.train.targets)
        #expect(abs(check.mean[0]) < 1e-10 && abs(check.std[0] - 1) < 1e-10)

        let plain = try CaliforniaHousing.load(path: sharedHousingPath, testFraction: 0.2, seed: 3)
        var restored = prepared.split.test!.targets
        scaler.applyInverse(to: &restored)
        for (a, b) in zip(restored.storage, plain.test!.targets.storage) { #expect(abs(a - b) < 1e-12) }
        #expect(prepared.split.test!.inputs == plain.test!.inputs)
    }
}
