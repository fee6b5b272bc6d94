import Neuromod
import Testing
@testable import NeuromodTasks

@Suite struct StandardizerTests {
    @Test func knownStatistics() throws {
        var scaler = Standardizer()
        try scaler.fit(Matrix([[1, 10], [2, 10], [3, 10], [4, 30]]))
        #expect(scaler.mean == [2.5, 15])
        #expect(scaler.std[0] == (1.25 as Double).squareRoot())  // population std: ddof = 0
        #expect(scaler.std[1] == (75 as Double).squareRoot())
    }

    /// On the fitted data the transform gives column means 0 and population std 1; 1e-12 allows the
    /// rounding of 200-term sums of O(1) values (about 1e-14).
    @Test func fittedDataHasMeanZeroStdOne() throws {
        let rng = try RandomGenerator(.mt19937, seed: 7)
        var m = Matrix(rows: 200, cols: 3)
        for r in 0..<200 {
            m[r, 0] = rng.gaussian(sigma: 3) + 5
            m[r, 1] = 1000 * rng.uniform() - 400
            m[r, 2] = rng.gaussian(sigma: 1e-3)
        }
        let original = m
        var scaler = Standardizer()
        try scaler.fit(m)
        scaler.apply(to: &m)
        for c in 0..<3 {
            let column = (0..<200).map { m[$0, c] }
            let mean = column.reduce(0, +) / 200
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 200
            #expect(abs(mean) < 1e-12)
            #expect(abs(variance.squareRoot() - 1) < 1e-12)
        }
        scaler.applyInverse(to: &m)
        for i in m.storage.indices {
            #expect(abs(m.storage[i] - original.storage[i]) <= 1e-12 * max(1, abs(original.storage[i])))
        }
    }

    /// A constant 0.1 column has a computed mean that differs from 0.1 by rounding; it must still be
    /// recognised as constant.
    @Test func constantColumnIsAnError() throws {
        var scaler = Standardizer()
        let data = Matrix([[1, 0.1], [2, 0.1], [3, 0.1]])
        let error = #expect(throws: DataError.self) {
            try scaler.fit(data, columnNames: ["a", "b"], source: "train")
        }
        #expect(error == .zeroVariance(path: "train", column: "b"))
        #expect(error?.description == "train: column 'b' has zero variance, cannot standardize")
        #expect(throws: DataError.zeroVariance(path: "matrix", column: "1")) { try scaler.fit(data) }
        #expect(scaler.mean.isEmpty)
    }
}
