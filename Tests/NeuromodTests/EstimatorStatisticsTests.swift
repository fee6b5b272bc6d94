import Testing
@testable import Neuromod

/// Estimator statistics against the exact gradient (review: perturbation estimators are unbiased to
/// first order in σ). The batch repeats one sample, so the instances differ only through their probe:
/// this isolates estimator noise from the spread of the data (with distinct samples the batch-mean
/// baseline adds variance ∝ Var(L⁽ⁿ⁾), and far more draws are needed).
///
/// σ = 0.01 keeps the O(σ²) bias near 1e-4, well under the statistical resolution of K·B = 48 000
/// instance draws (standard error of the relative bias ≈ √(P/(K·B)) ≈ 0.04 for P = 61).
@Suite struct EstimatorStatisticsTests {
    static func setup() throws -> (Network, Matrix, Matrix) {
        let rng = try RandomGenerator(.mt19937, seed: 21)
        let network = try Network(inputSize: 2,
                                  populations: [Population(size: 8, activation: .sigmoid), Population(size: 4, activation: .sigmoid),
                                                Population(size: 1, activation: .linear)],
                                  initializer: .uniform, rng: rng)
        let batch = 16
        let input = Matrix(rows: batch, cols: 2, storage: (0..<batch).flatMap { _ in [0.7, -1.2] })
        let target = Matrix(rows: batch, cols: 1, value: 0.9)
        return (network, input, target)
    }

    static func measure(_ preset: Preset, sigma: Double = 0.01, samples: Int = 3000) throws -> EstimatorStatistics {
        let (network, input, target) = try setup()
        return try EstimatorCheck.measure(rule: preset.rule(learningRate: 0.1, sigma: sigma),
                                          network: network, input: input, target: target, samples: samples,
                                          probeStreams: InstanceStreams(.gfsr4, seed: 5, base: 0, count: input.rows))
    }

    @Test func weightPerturbationIsUnbiased() throws {
        let stats = try Self.measure(.weightPerturbation)
        #expect(stats.cosine > 0.99, "cosine \(stats.cosine)")
        #expect(stats.biasIntervalContainsZero, "relative bias \(stats.relativeBias) ± \(stats.biasHalfWidth)")
        #expect(stats.biasHalfWidth < 0.1)
    }

    @Test func nodePerturbationIsUnbiased() throws {
        let stats = try Self.measure(.threeFactorNodePerturbation)
        #expect(stats.cosine > 0.99, "cosine \(stats.cosine)")
        #expect(stats.biasIntervalContainsZero, "relative bias \(stats.relativeBias) ± \(stats.biasHalfWidth)")
        #expect(stats.biasHalfWidth < 0.1)
    }

    @Test func spsaAndEvolutionStrategiesAreUnbiased() throws {
        for preset in [Preset.antitheticSPSA, .evolutionStrategies] {
            let stats = try Self.measure(preset)
            #expect(stats.cosine > 0.99, "\(preset): cosine \(stats.cosine)")
            #expect(stats.biasIntervalContainsZero, "\(preset): relative bias \(stats.relativeBias) ± \(stats.biasHalfWidth)")
        }
    }

    /// The Hebbian factor re-weights each synapse's update by x_i x_j, so 3F-WP does not follow the
    /// gradient. Read literally, the output layer's update is multiplied by the (here negative) linear
    /// output and points against the gradient; with the postsynaptic factor on sigmoid layers only, the
    /// mean update is shrunk well outside its interval; with output eligibility 1, the first layer's
    /// update is nearly uncorrelated with its gradient while plain WP's is clearly aligned.
    @Test func threeFactorWeightPerturbationIsBiased() throws {
        let literal = try Self.measure(.threeFactorWeightPerturbation(.literal))
        #expect(literal.cosine < 0, "literal: cosine \(literal.cosine)")
        let sigmoidPost = try Self.measure(.threeFactorWeightPerturbation(.sigmoidPost))
        #expect(!sigmoidPost.biasIntervalContainsZero && sigmoidPost.relativeBias < -0.1,
                "sigmoid-post: relative bias \(sigmoidPost.relativeBias) ± \(sigmoidPost.biasHalfWidth)")
        let outputUnit = try Self.measure(.threeFactorWeightPerturbation(.outputUnit))
        let weightPerturbation = try Self.measure(.weightPerturbation)
        #expect(outputUnit.layerCosine[0] < 0.2 && weightPerturbation.layerCosine[0] > 0.5,
                "first-layer cosine: 3F-WP \(outputUnit.layerCosine[0]), WP \(weightPerturbation.layerCosine[0])")
    }

    /// Averaging K draws shrinks the interval like 1/√K.
    @Test func intervalShrinksLikeOneOverRootK() throws {
        let few = try Self.measure(.weightPerturbation, samples: 300)
        let many = try Self.measure(.weightPerturbation, samples: 2700)
        let ratio = few.biasHalfWidth / many.biasHalfWidth
        #expect(ratio > 2.3 && ratio < 3.9, "expected ≈ 3, got \(ratio)")
    }
}
