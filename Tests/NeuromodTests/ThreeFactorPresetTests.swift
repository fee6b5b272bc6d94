import Foundation
import Testing
@testable import Neuromod

/// Each preset's update equals the thesis's algorithm computed by hand — per sample, with scalar loops
/// written independently of the batched implementation — on a 2-3-1 sigmoid/linear network, using
/// the noise the learner drew. Tolerance 1e-12: only summation order differs.
@Suite struct ThreeFactorPresetTests {
    static let w1 = [[0.3, -0.7], [0.5, 0.2], [-0.4, 0.9]], b1 = [0.1, -0.2, 0.05]
    static let w2 = [[0.8, -0.6, 0.4]], b2 = [0.15]
    static let x = [[0.5, -1.0], [1.5, 0.3], [-0.8, 0.7], [0.2, 0.1]]
    static let t = [0.4, -0.3, 0.9, 0.1]

    static func network() throws -> Network {
        try Network(inputSize: 2,
                    populations: [Population(size: 3, activation: .sigmoid), Population(size: 1, activation: .linear)],
                    parameters: [LayerParameters(weights: Matrix(w1), bias: b1), LayerParameters(weights: Matrix(w2), bias: b2)])
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    /// Forward pass of one sample with explicit weights; optional node noise added after each activation.
    static func forward(_ x: [Double], w1: [[Double]], b1: [Double], w2: [[Double]], b2: [Double],
                        nodeNoise: ([Double], Double)? = nil) -> (hidden: [Double], y: Double) {
        var h = (0..<3).map { j in sigmoid(w1[j][0] * x[0] + w1[j][1] * x[1] + b1[j]) }
        if let (n1, _) = nodeNoise { for j in 0..<3 { h[j] += n1[j] } }
        var y = w2[0][0] * h[0] + w2[0][1] * h[1] + w2[0][2] * h[2] + b2[0]
        if let (_, n2) = nodeNoise { y += n2 }
        return (h, y)
    }

    func learner(_ preset: Preset, eta: Double = 0.7, sigma: Double = 0.2) throws -> (PlasticityEngine, Network) {
        let network = try Self.network()
        let streams = try InstanceStreams(.mt19937, seed: 99, base: 0, count: 4)
        let learner = try PlasticityEngine(rule: preset.rule(learningRate: eta, sigma: sigma),
                                             network: network, probeStreams: streams)
        try learner.computeUpdate(input: Matrix(Self.x), target: Matrix(Self.t.map { [$0] }))
        return (learner, network)
    }

    /// The per-sample perturbed weights W + ε⁽ⁿ⁾ and the centered rewards A⁽ⁿ⁾ of Algorithms 1–2.
    func perturbedPasses(_ learner: PlasticityEngine, sign: Double = 1)
        -> (eps: [(w1: [[Double]], b1: [Double], w2: [[Double]], b2: [Double])], out: [(hidden: [Double], y: Double)]) {
        let s = learner.synaptic!
        var eps: [(w1: [[Double]], b1: [Double], w2: [[Double]], b2: [Double])] = []
        var out: [(hidden: [Double], y: Double)] = []
        for n in 0..<4 {
            let e1 = (0..<3).map { j in (0..<2).map { i in sign * s.weights[0][n, j * 2 + i] } }
            let eb1 = (0..<3).map { j in sign * s.biases[0][n, j] }
            let e2 = [(0..<3).map { i in sign * s.weights[1][n, i] }]
            let eb2 = [sign * s.biases[1][n, 0]]
            eps.append((e1, eb1, e2, eb2))
            let pw1 = (0..<3).map { j in (0..<2).map { i in Self.w1[j][i] + e1[j][i] } }
            let pb1 = (0..<3).map { Self.b1[$0] + eb1[$0] }
            let pw2 = [(0..<3).map { Self.w2[0][$0] + e2[0][$0] }]
            out.append(Self.forward(Self.x[n], w1: pw1, b1: pb1, w2: pw2, b2: [Self.b2[0] + eb2[0]]))
        }
        return (eps, out)
    }

    static func centered(_ losses: [Double]) -> [Double] {
        let rewards = losses.map { -$0 }
        let mean = rewards.reduce(0, +) / Double(rewards.count)
        return rewards.map { $0 - mean }
    }

    static func expectClose(_ a: Double, _ b: Double, _ what: String) {
        #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(what): \(a) vs hand \(b)")
    }

    @Test func weightPerturbationMatchesAlgorithm1() throws {
        let (learner, _) = try learner(.weightPerturbation)
        let (eps, out) = perturbedPasses(learner)
        let a = Self.centered((0..<4).map { pow(out[$0].y - Self.t[$0], 2) })
        let k = 0.7 / (4 * 0.2)
        for j in 0..<3 {
            for i in 0..<2 {
                Self.expectClose(learner.updates[0].weights[j, i], k * (0..<4).reduce(0) { $0 + a[$1] * eps[$1].w1[j][i] }, "ΔW1[\(j),\(i)]")
            }
            Self.expectClose(learner.updates[0].bias[j], k * (0..<4).reduce(0) { $0 + a[$1] * eps[$1].b1[j] }, "Δb1[\(j)]")
            Self.expectClose(learner.updates[1].weights[0, j], k * (0..<4).reduce(0) { $0 + a[$1] * eps[$1].w2[0][j] }, "ΔW2[\(j)]")
        }
        Self.expectClose(learner.updates[1].bias[0], k * (0..<4).reduce(0) { $0 + a[$1] * eps[$1].b2[0] }, "Δb2")
        #expect(learner.updates[0].weights.storage.contains { $0 != 0 })
    }

    @Test(arguments: HebbianVariant.allCases)
    func threeFactorWeightPerturbationMatchesAlgorithm2(variant: HebbianVariant) throws {
        let (learner, _) = try learner(.threeFactorWeightPerturbation(variant), eta: 0.9, sigma: 0.1)
        let (eps, out) = perturbedPasses(learner)
        let a = Self.centered((0..<4).map { pow(out[$0].y - Self.t[$0], 2) })
        let k = 0.9 / (4 * 0.1)
        // Postsynaptic factor of the output layer (linear) and presynaptic factor, per variant.
        func outputPost(_ n: Int) -> Double {
            switch variant {
            case .literal: return out[n].y
            case .outputUnit, .sigmoidPost: return 1
            case .absolutePost: return abs(out[n].y)
            }
        }
        func outputPre(_ n: Int, _ i: Int) -> Double { variant == .outputUnit ? 1 : out[n].hidden[i] }
        func hiddenPost(_ n: Int, _ j: Int) -> Double { variant == .absolutePost ? abs(out[n].hidden[j]) : out[n].hidden[j] }
        for j in 0..<3 {
            for i in 0..<2 {
                let hand = k * (0..<4).reduce(0) { $0 + a[$1] * Self.x[$1][i] * hiddenPost($1, j) * eps[$1].w1[j][i] }
                Self.expectClose(learner.updates[0].weights[j, i], hand, "\(variant) ΔW1[\(j),\(i)]")
            }
            Self.expectClose(learner.updates[0].bias[j], k * (0..<4).reduce(0) { $0 + a[$1] * hiddenPost($1, j) * eps[$1].b1[j] }, "\(variant) Δb1[\(j)]")
            Self.expectClose(learner.updates[1].weights[0, j],
                             k * (0..<4).reduce(0) { $0 + a[$1] * outputPre($1, j) * outputPost($1) * eps[$1].w2[0][j] }, "\(variant) ΔW2[\(j)]")
        }
        Self.expectClose(learner.updates[1].bias[0], k * (0..<4).reduce(0) { $0 + a[$1] * outputPost($1) * eps[$1].b2[0] }, "\(variant) Δb2")
    }

    @Test func threeFactorNodePerturbationMatchesAlgorithm3() throws {
        let eta = 0.2, sigma = 0.1
        let (learner, network) = try learner(.threeFactorNodePerturbation, eta: eta, sigma: sigma)
        let noise = network.probeNoise
        var losses: [Double] = [], clean: [(hidden: [Double], y: Double)] = []
        for n in 0..<4 {
            clean.append(Self.forward(Self.x[n], w1: Self.w1, b1: Self.b1, w2: Self.w2, b2: Self.b2))
            let noisy = Self.forward(Self.x[n], w1: Self.w1, b1: Self.b1, w2: Self.w2, b2: Self.b2,
                                     nodeNoise: ((0..<3).map { noise[0][n, $0] }, noise[1][n, 0]))
            losses.append(pow(noisy.y - Self.t[n], 2))
        }
        let a = Self.centered(losses)
        // ε = noise/σ ~ N(0, 1); δ = A · E · ε / σ; E = a_{ℓ−1} g(a_ℓ), g = a(1 − a) (sigmoid), 1 (linear output).
        for j in 0..<3 {
            for i in 0..<2 {
                let hand = eta / 4 * (0..<4).reduce(0) { acc, n in
                    let h = clean[n].hidden[j]
                    return acc + a[n] * Self.x[n][i] * h * (1 - h) * (noise[0][n, j] / sigma) / sigma
                }
                Self.expectClose(learner.updates[0].weights[j, i], hand, "ΔW1[\(j),\(i)]")
            }
            Self.expectClose(learner.updates[0].bias[j], eta / 4 * (0..<4).reduce(0) { acc, n in
                let h = clean[n].hidden[j]
                return acc + a[n] * (noise[0][n, j] / sigma) * h * (1 - h) / sigma
            }, "Δb1[\(j)]")
            Self.expectClose(learner.updates[1].weights[0, j], eta / 4 * (0..<4).reduce(0) { acc, n in
                acc + a[n] * clean[n].hidden[j] * (noise[1][n, 0] / sigma) / sigma
            }, "ΔW2[\(j)]")
        }
        Self.expectClose(learner.updates[1].bias[0], eta / 4 * (0..<4).reduce(0) { $0 + a[$1] * (noise[1][$1, 0] / sigma) / sigma }, "Δb2")
    }

    @Test func antitheticSPSAMatchesTheTwoSidedDifference() throws {
        let eta = 0.3, c = 0.05
        let (learner, _) = try learner(.antitheticSPSA, eta: eta, sigma: c)
        let (eps, plus) = perturbedPasses(learner, sign: 1)
        let (_, minus) = perturbedPasses(learner, sign: -1)
        #expect(eps.allSatisfy { e in e.w1.joined().allSatisfy { abs($0) == c } })
        // ĝ = (L⁺ − L⁻)/(2c) · Δ with Δ = ε/c; ΔW = −η/B Σ ĝ.
        for j in 0..<3 {
            for i in 0..<2 {
                let hand = -eta / 4 * (0..<4).reduce(0) { acc, n in
                    let lp = pow(plus[n].y - Self.t[n], 2), lm = pow(minus[n].y - Self.t[n], 2)
                    return acc + (lp - lm) / (2 * c) * eps[n].w1[j][i] / c
                }
                Self.expectClose(learner.updates[0].weights[j, i], hand, "ΔW1[\(j),\(i)]")
            }
        }
    }

    @Test func evolutionStrategiesIsWeightPerturbationOverSigma() throws {
        let (es, _) = try learner(.evolutionStrategies, eta: 0.5, sigma: 0.2)
        let (wp, _) = try learner(.weightPerturbation, eta: 0.5, sigma: 0.2)
        for l in 0..<2 {
            for k in es.updates[l].weights.storage.indices {
                Self.expectClose(es.updates[l].weights.storage[k], wp.updates[l].weights.storage[k] / 0.2, "ES vs WP/σ")
            }
        }
    }

    @Test func stepAppliesTheUpdateAndRunningBaselineStartsAtTheFirstBatch() throws {
        let network = try Self.network()
        let before = network.parameters
        let learner = try PlasticityEngine(
            rule: .weightPerturbation(learningRate: 0.5, sigma: 0.1, baseline: .runningAverage(rate: 0.5)),
            network: network, probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 4))
        let loss = try learner.step(input: Matrix(Self.x), target: Matrix(Self.t.map { [$0] }))
        #expect(abs(loss - learner.instanceLosses.reduce(0, +) / 4) < 1e-15)
        var expected = before
        for l in 0..<2 { expected[l].add(learner.updates[l], scaledBy: 1) }
        #expect(network.parameters == expected)
        let meanReward = -learner.instanceLosses.reduce(0, +) / 4
        #expect(abs(learner.neuromodulator!.average! - meanReward) < 1e-15)
    }

    @Test func invalidRulesAreRejected() throws {
        let streams = try InstanceStreams(.taus2, seed: 1, base: 0, count: 4)
        #expect(throws: NetworkError.self) {
            try PlasticityEngine(rule: .weightPerturbation(learningRate: 0.1, sigma: 0),
                                   network: Self.network(), probeStreams: streams)
        }
        let softmax = try Network(inputSize: 2, populations: [Population(size: 2, activation: .softmax)],
                                  initializer: .uniform, rng: RandomGenerator(seed: 1))
        #expect(throws: NetworkError.self) {
            try PlasticityEngine(rule: .nodePerturbation(learningRate: 0.1, sigma: 0.1),
                                   network: softmax, probeStreams: streams)
        }
    }
}

/// Streams belong to instances, not threads: drawing the probe on several threads gives the same numbers.
@Suite struct ParallelNoiseTests {
    @Test func synapticNoiseIsTheSameOnOneOrThreeThreads() throws {
        let network = try Network(inputSize: 5, populations: [Population(size: 7, activation: .tanh), Population(size: 2, activation: .linear)],
                                  initializer: .uniform, connectionProbability: [0.5, 1], rng: RandomGenerator(seed: 3))
        var draws: [[Matrix]] = []
        for threads in [1, 3] {
            let noise = SynapticNoise(sigma: 0.3)
            noise.draw(for: network, batch: 10, streams: try InstanceStreams(.taus2, seed: 8, base: 0, count: 10), threads: threads)
            draws.append(noise.weights + noise.biases)
        }
        #expect(draws[0] == draws[1])
        #expect(draws[0][0].storage.contains { $0 != 0 })
    }
}
