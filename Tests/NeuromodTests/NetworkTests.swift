import Foundation
import Testing
@testable import Neuromod

@Suite struct NetworkTests {
    /// A 2-2-1 network with hand-set weights: the forward pass is checked against arithmetic done by hand.
    @Test func forwardPassMatchesHandComputation() throws {
        let network = try Network(
            inputSize: 2,
            populations: [Population(size: 2, activation: .sigmoid), Population(size: 1, activation: .linear)],
            parameters: [LayerParameters(weights: Matrix([[0.5, -1], [2, 0.25]]), bias: [0.1, -0.2]),
                         LayerParameters(weights: Matrix([[1.5, -0.5]]), bias: [0.3])])
        let out = network.forward(Matrix([[1, 2], [-1, 0.5]]))
        func s(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        let h0 = [s(0.5 - 2 + 0.1), s(2 + 0.5 - 0.2)]
        let h1 = [s(-0.5 - 0.5 + 0.1), s(-2 + 0.125 - 0.2)]
        #expect(out[0, 0] == 1.5 * h0[0] - 0.5 * h0[1] + 0.3)
        #expect(abs(out[1, 0] - (1.5 * h1[0] - 0.5 * h1[1] + 0.3)) < 1e-15)
    }

    @Test func softmaxRowsSumToOneAndAreStableForLargeInputs() throws {
        let network = try Network(inputSize: 1, populations: [Population(size: 3, activation: .softmax)],
                                  parameters: [LayerParameters(weights: Matrix([[1000], [999], [0]]), bias: [0, 0, 0])])
        let out = network.forward(Matrix([[1], [-1]]))
        for r in 0..<2 { #expect(abs(out.row(r).reduce(0, +) - 1) < 1e-15) }
        #expect(abs(out[0, 0] - 1 / (1 + exp(-1.0))) < 1e-12)
    }

    /// Output noise is σξ with ξ from the instance's own stream; the clean pass ignores it.
    @Test func outputNoiseComesFromEachInstancesStream() throws {
        let sigma = 0.1
        let network = try Network(
            inputSize: 1, populations: [Population(size: 3, activation: .linear, noise: IntrinsicNoise(site: .output, sigma: sigma))],
            parameters: [LayerParameters(weights: Matrix([[1], [2], [3]]), bias: [0, 0, 0])])
        let input = Matrix([[1], [2]])
        let clean = network.forward(input)
        let streams = try InstanceStreams(.taus2, seed: 5, base: 100, count: 2)
        let noisy = network.forward(input, streams: streams)
        for n in 0..<2 {
            let g = try RandomGenerator(.taus2, seed: 5, stream: 100 + UInt64(n))
            for j in 0..<3 { #expect(noisy[n, j] == clean[n, j] + g.gaussian(sigma: sigma)) }
        }
        // Instance 1's noise does not depend on whether instance 0 exists.
        let alone = try InstanceStreams(.taus2, seed: 5, base: 101, count: 1)
        let single = network.forward(Matrix([[2]]), streams: alone)
        #expect(single.row(0) == noisy.row(1))
    }

    /// With leak τ, a constant drive φ(z) = c relaxes as r_t = c(1 − e^(−t/τ)) exactly.
    @Test func leakyPopulationRelaxesExponentially() throws {
        let tau = 4.0
        let network = try Network(inputSize: 1, populations: [Population(size: 1, activation: .linear, leakSteps: tau)],
                                  parameters: [LayerParameters(weights: Matrix([[2]]), bias: [0])])
        network.forward(Matrix([[1]]))
        network.resetState()
        var r = 0.0
        for t in 1...10 {
            r = network.forward(Matrix([[1]]))[0, 0]
            #expect(abs(r - 2 * (1 - exp(-Double(t) / tau))) < 1e-14)
        }
    }

    @Test func initializersHaveTheirDocumentedScale() throws {
        let rng = try RandomGenerator(seed: 2)
        let pre = 400, post = 300
        let u = WeightInitializer.uniform.draw(pre: pre, post: post, rng: rng)
        #expect(u.weights.storage.allSatisfy { abs($0) <= 1 / 20 })
        #expect(u.bias.allSatisfy { abs($0) <= 1 / 20 })
        let k = WeightInitializer.kaimingUniform.draw(pre: pre, post: post, rng: rng)
        let bound = (6.0 / 400).squareRoot()
        #expect(k.weights.storage.allSatisfy { abs($0) <= bound } && k.weights.storage.contains { abs($0) > 0.9 * bound })
        #expect(k.bias.allSatisfy { $0 == 0 })
        let x = WeightInitializer.xavierNormal.draw(pre: pre, post: post, rng: rng)
        let variance = x.weights.storage.reduce(0) { $0 + $1 * $1 } / Double(pre * post)
        // Standard error of the variance estimate: √2·v/√120000 ≈ 0.004·v.
        #expect(abs(variance - 2.0 / 700) < 0.02 * 2.0 / 700)
    }

    @Test func sparseConnectivityKeepsAboutPOfTheSynapses() throws {
        let c = Connectivity.random(pre: 200, post: 100, probability: 0.2, rng: try RandomGenerator(seed: 4))
        let kept = Double(c.synapseCount(pre: 200, post: 100)) / 20_000
        // Binomial standard error √(0.2·0.8/20000) ≈ 0.0028; tolerance 5 standard errors.
        #expect(abs(kept - 0.2) < 0.015)
    }

    @Test func invalidConfigurationsAreNamed() throws {
        let rng = try RandomGenerator(seed: 1)
        #expect(throws: NetworkError.invalidSize(layer: 2, size: -3)) {
            try Network(inputSize: 1, populations: [Population(size: 2, activation: .relu), Population(size: -3, activation: .linear)],
                        initializer: .uniform, rng: rng)
        }
        #expect(throws: NetworkError.invalidProbability(layer: 1, value: 1.5)) {
            try Network(inputSize: 1, populations: [Population(size: 2, activation: .relu)], initializer: .uniform,
                        connectionProbability: [1.5], rng: rng)
        }
        #expect(Activation(name: "leaky-relu(0.1)") == .leakyReLU(slope: 0.1))
        #expect(Activation(name: "sigmoidal") == nil)
    }
}

@Suite struct LeakNoiseTests {
    /// A leaky linear neuron driven by noise alone has stationary rate variance σ² whatever dt: the
    /// same τ = 0.1 s at dt = 20 ms (τ = 5 steps) and dt = 2 ms (50 steps), noise on the output or on
    /// the pre-activation. 256 instances × 3 000 steps after a burn-in of 10 τ; tolerance 6 %.
    @Test(arguments: [NoiseSite.output, .preActivation])
    func stationaryNoiseVarianceDoesNotDependOnTheStep(site: NoiseSite) throws {
        let sigma = 0.5, tau = 0.1
        for dt in [0.02, 0.002] {
            let population = Population(size: 1, activation: .linear, leak: tau, dt: dt,
                                        noise: IntrinsicNoise(site: site, sigma: sigma))
            let network = try Network(inputSize: 1, populations: [population],
                                      parameters: [LayerParameters(weights: Matrix([[0]]), bias: [0])])
            let streams = try InstanceStreams(.taus2, seed: 5, base: 0, count: 256)
            let input = Matrix(rows: 256, cols: 1)
            let burnIn = Int(10 * tau / dt)
            var sum = 0.0, sumSquares = 0.0, count = 0.0
            for step in 0..<(burnIn + 3_000) {
                let r = network.forward(input, streams: streams)
                guard step >= burnIn else { continue }
                for v in r.storage { sum += v; sumSquares += v * v; count += 1 }
            }
            let variance = sumSquares / count - (sum / count) * (sum / count)
            #expect(abs(variance / (sigma * sigma) - 1) < 0.06, "dt \(dt): variance \(variance), expected \(sigma * sigma)")
        }
    }
}
