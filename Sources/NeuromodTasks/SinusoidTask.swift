import Foundation
import Neuromod

/// The noisy sinusoid regression task of thesis §4.1.1 (seed 000): "The input consists of
/// one-dimensional values uniformly spaced over a fixed interval, and the target is the corresponding
/// value of a sine wave with added Gaussian noise."
///
/// Sample i (0-based) of n has input xᵢ = low + i · (high − low)/(n − 1), with x₀ = low and
/// xₙ₋₁ = high exactly (NumPy's `linspace(low, high, n)`, computed the same way), and target
/// yᵢ = sin(frequency · xᵢ) + εᵢ, εᵢ ~ N(0, noiseSigma²). The noise is drawn in sample order, one
/// ziggurat draw per sample, from `RandomGenerator(.mt19937, seed: seed,
/// stream: TaskRandomStreams.sinusoidNoise)`, so a seed fixes the dataset. The thesis does not state
/// the interval, the count or the noise level; an experiment spec supplies them.
///
/// | parameter | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | `low`, `high` | interval of the inputs, `low < high` | — | — |
/// | `samples` | number of samples n, ≥ 2 | — | — |
/// | `noiseSigma` | standard deviation of the target noise, ≥ 0 (0: exact sine) | target units | — |
/// | `frequency` | angular frequency of the sine | rad per input unit | 1 |
public struct SinusoidTask: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var samples: Int
    public var noiseSigma: Double
    public var frequency: Double

    public init(low: Double, high: Double, samples: Int, noiseSigma: Double, frequency: Double = 1) {
        self.low = low
        self.high = high
        self.samples = samples
        self.noiseSigma = noiseSigma
        self.frequency = frequency
    }

    /// Checks the parameters against the ranges in the table above.
    ///
    /// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)`` naming the first
    ///   parameter out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ parameter: String, _ value: Any, _ requirement: String) throws {
            guard ok else {
                throw TaskError.invalidParameter(context: "sinusoid task", parameter: parameter, value: "\(value)",
                                                 requirement: requirement)
            }
        }
        try check(samples >= 2, "samples", samples, "at least 2")
        try check(low.isFinite, "low", low, "finite")
        try check(high.isFinite && high > low, "high", high, "finite and greater than low (\(low))")
        try check(noiseSigma.isFinite && noiseSigma >= 0, "noiseSigma", noiseSigma, "finite and ≥ 0")
        try check(frequency.isFinite, "frequency", frequency, "finite")
    }

    /// The dataset for `seed`: `samples` rows, input column `x`, target column `y`.
    ///
    /// - Throws: the errors of ``validate()``.
    public func make(seed: UInt64) throws -> Dataset {
        try validate()
        let step = (high - low) / Double(samples - 1)
        var x = (0..<samples).map { low + Double($0) * step }
        x[samples - 1] = high
        let rng = try RandomGenerator(.mt19937, seed: seed, stream: TaskRandomStreams.sinusoidNoise)
        let y = x.map { sin(frequency * $0) + rng.gaussian(sigma: noiseSigma) }
        return Dataset(name: "sinusoid", inputs: Matrix(rows: samples, cols: 1, storage: x),
                       targets: Matrix(rows: samples, cols: 1, storage: y), inputNames: ["x"], targetNames: ["y"])
    }
}
