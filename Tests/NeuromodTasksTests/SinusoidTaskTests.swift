import Foundation
import Testing
@testable import NeuromodTasks

@Suite struct SinusoidTaskTests {
    /// NumPy's `linspace(-2.7, 3.1, 71)`: xᵢ = low + i·step, except that the last value is `high`
    /// itself (70·step − 2.7 rounds to 3.1000000000000005 here, so the endpoint rule is exercised).
    @Test func inputsAreAnInclusiveLinspace() throws {
        let data = try SinusoidTask(low: -2.7, high: 3.1, samples: 71, noiseSigma: 0.1).make(seed: 1)
        #expect(data.count == 71)
        #expect(data.inputs.cols == 1 && data.targets.cols == 1)
        #expect(data.inputNames == ["x"] && data.targetNames == ["y"])
        let x = data.inputs.storage, step = (3.1 - -2.7) / 70
        #expect(x.first == -2.7 && x.last == 3.1)
        for i in 0..<70 { #expect(x[i] == -2.7 + Double(i) * step) }
    }

    @Test func noNoiseGivesTheExactSine() throws {
        let data = try SinusoidTask(low: 0, high: 10, samples: 101, noiseSigma: 0, frequency: 2).make(seed: 3)
        #expect(data.targets.storage == data.inputs.storage.map { sin(2 * $0) })
    }

    @Test func sameSeedSameDataDifferentSeedsDiffer() throws {
        let task = SinusoidTask(low: -1, high: 1, samples: 50, noiseSigma: 0.2)
        #expect(try task.make(seed: 9) == task.make(seed: 9))
        let a = try task.make(seed: 9), b = try task.make(seed: 10)
        #expect(a.inputs == b.inputs)
        #expect(a.targets != b.targets)
    }

    /// The residuals y − sin(x) of n = 20,000 samples have mean 0 and std σ: the standard error of
    /// the mean is σ/√n ≈ 0.0007σ and that of the std about σ/√(2n) = 0.005σ, so 5 standard errors
    /// (0.0035σ and 0.025σ) fail a correct generator with probability below 1e-6.
    @Test func noiseHasTheRequestedSigma() throws {
        let sigma = 0.3, n = 20_000
        let data = try SinusoidTask(low: 0, high: 6, samples: n, noiseSigma: sigma).make(seed: 11)
        let residuals = zip(data.inputs.storage, data.targets.storage).map { $1 - sin($0) }
        let mean = residuals.reduce(0, +) / Double(n)
        let std = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
        #expect(abs(mean) < 5 * sigma / Double(n).squareRoot())
        #expect(abs(std - sigma) < 5 * sigma / (2 * Double(n)).squareRoot())
    }

    @Test func invalidParametersAreRejected() throws {
        let one = #expect(throws: TaskError.self) {
            try SinusoidTask(low: 0, high: 1, samples: 1, noiseSigma: 0.1).make(seed: 0)
        }
        #expect(one?.description == "sinusoid task: samples = 1 is invalid, it must be at least 2")
        #expect(throws: TaskError.self) { try SinusoidTask(low: 1, high: 1, samples: 5, noiseSigma: 0).make(seed: 0) }
        #expect(throws: TaskError.self) { try SinusoidTask(low: 2, high: 1, samples: 5, noiseSigma: 0).make(seed: 0) }
        #expect(throws: TaskError.self) { try SinusoidTask(low: 0, high: 1, samples: 5, noiseSigma: -0.1).make(seed: 0) }
        #expect(throws: TaskError.self) { try SinusoidTask(low: 0, high: .infinity, samples: 5, noiseSigma: 0).make(seed: 0) }
    }
}
