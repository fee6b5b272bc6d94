import Testing
@testable import Neuromod

/// The backprop reference must be exact: it is the ground truth for every estimator check.
@Suite struct BackpropGradientTests {
    static let activations: [Activation] = [.linear, .sigmoid, .tanh, .relu, .leakyReLU(slope: 0.1), .softmax]

    /// Central differences with h = 1e-6 have truncation error O(h²) ≈ 1e-12 and rounding error
    /// ≈ 1e-16/1e-6 = 1e-10 relative to the loss scale, so 1e-6 relative error is a strict bound.
    /// Only existing synapses are perturbed: absent ones have zero gradient by construction.
    static func relativeError(network: Network, input: Matrix, target: Matrix, loss: Loss) throws -> Double {
        let backprop = Backprop(loss: loss)
        try backprop.computeGradients(network: network, input: input, target: target)
        let h = 1e-6
        var diff = 0.0, norm = 0.0
        func lossAt() -> Double { loss.mean(output: network.forward(input), target: target) }
        for l in 0..<network.depth {
            let mask = network.connectivity[l].mask
            for i in network.parameters[l].weights.storage.indices where mask.map({ $0.storage[i] != 0 }) ?? true {
                let saved = network.parameters[l].weights.storage[i]
                network.parameters[l].weights.storage[i] = saved + h
                let up = lossAt()
                network.parameters[l].weights.storage[i] = saved - h
                let down = lossAt()
                network.parameters[l].weights.storage[i] = saved
                let fd = (up - down) / (2 * h)
                let bp = backprop.gradients[l].weights.storage[i]
                diff += (fd - bp) * (fd - bp)
                norm += fd * fd
            }
            for j in network.parameters[l].bias.indices {
                let saved = network.parameters[l].bias[j]
                network.parameters[l].bias[j] = saved + h
                let up = lossAt()
                network.parameters[l].bias[j] = saved - h
                let down = lossAt()
                network.parameters[l].bias[j] = saved
                let fd = (up - down) / (2 * h)
                let bp = backprop.gradients[l].bias[j]
                diff += (fd - bp) * (fd - bp)
                norm += fd * fd
            }
        }
        return (diff / max(norm, 1e-300)).squareRoot()
    }

    static func fixture(hidden: Activation, output: Activation, seed: UInt64) throws -> (Network, Matrix, Matrix) {
        let rng = try RandomGenerator(.mt19937, seed: seed)
        let network = try Network(inputSize: 3,
                                  populations: [Population(size: 5, activation: hidden),
                                                Population(size: 4, activation: hidden),
                                                Population(size: 3, activation: output)],
                                  initializer: .xavierNormal, rng: rng)
        for l in 0..<network.depth { rng.fillUniform(&network.parameters[l].bias, low: -0.5, high: 0.5) }
        var input = Matrix(rows: 6, cols: 3)
        rng.fillGaussian(&input.storage)
        var target = Matrix(rows: 6, cols: 3)
        rng.fillUniform(&target.storage, low: 0.05, high: 1)
        return (network, input, target)
    }

    @Test(arguments: activations)
    func meanSquaredErrorGradientMatchesFiniteDifferences(activation: Activation) throws {
        for (hidden, output) in [(activation, Activation.linear), (.tanh, activation)] {
            let (network, input, target) = try Self.fixture(hidden: hidden, output: output, seed: 11)
            let error = try Self.relativeError(network: network, input: input, target: target, loss: .meanSquaredError)
            #expect(error < 1e-6, "hidden \(hidden), output \(output): relative error \(error)")
        }
    }

    @Test(arguments: activations)
    func crossEntropyGradientMatchesFiniteDifferences(hidden: Activation) throws {
        var (network, input, target) = try Self.fixture(hidden: hidden, output: .softmax, seed: 12)
        // One-hot targets for the softmax output.
        for n in 0..<target.rows { for k in 0..<3 { target[n, k] = k == n % 3 ? 1 : 0 } }
        let error = try Self.relativeError(network: network, input: input, target: target, loss: .crossEntropy)
        #expect(error < 1e-6, "hidden \(hidden): relative error \(error)")
        // The unfused path: cross-entropy through a sigmoid output (positive outputs).
        (network, input, target) = try Self.fixture(hidden: hidden, output: .sigmoid, seed: 13)
        let unfused = try Self.relativeError(network: network, input: input, target: target, loss: .crossEntropy)
        #expect(unfused < 1e-6, "hidden \(hidden), sigmoid output: relative error \(unfused)")
    }

    @Test func sparseConnectivityGradientIsMaskedAndExact() throws {
        let rng = try RandomGenerator(.taus2, seed: 3)
        let network = try Network(inputSize: 4, populations: [Population(size: 6, activation: .sigmoid),
                                                              Population(size: 2, activation: .linear)],
                                  initializer: .uniform, connectionProbability: [0.5, 1], rng: rng)
        var input = Matrix(rows: 5, cols: 4)
        rng.fillGaussian(&input.storage)
        var target = Matrix(rows: 5, cols: 2)
        rng.fillGaussian(&target.storage)
        let backprop = Backprop(loss: .meanSquaredError)
        try backprop.computeGradients(network: network, input: input, target: target)
        let mask = try #require(network.connectivity[0].mask)
        for i in mask.storage.indices where mask.storage[i] == 0 {
            #expect(backprop.gradients[0].weights.storage[i] == 0)
            #expect(network.parameters[0].weights.storage[i] == 0)
        }
        #expect(mask.storage.contains(0) && mask.storage.contains(1))
        let error = try Self.relativeError(network: network, input: input, target: target, loss: .meanSquaredError)
        #expect(error < 1e-6, "relative error \(error)")
    }

    @Test func backpropRejectsLeakyPopulations() throws {
        let network = try Network(inputSize: 1, populations: [Population(size: 2, activation: .tanh, leakSteps: 5)],
                                  initializer: .uniform, rng: RandomGenerator(seed: 1))
        #expect(throws: NetworkError.unsupported("backprop needs populations without leak (leak_steps)")) {
            try Backprop(loss: .meanSquaredError).computeGradients(
                network: network, input: Matrix(rows: 1, cols: 1), target: Matrix(rows: 1, cols: 2))
        }
    }

    @Test func sgdStepLowersTheLossOnASmallStep() throws {
        let (network, input, target) = try Self.fixture(hidden: .sigmoid, output: .linear, seed: 5)
        let backprop = Backprop(loss: .meanSquaredError)
        let before = try backprop.sgdStep(network: network, input: input, target: target, learningRate: 0.05)
        let after = Loss.meanSquaredError.mean(output: network.forward(input), target: target)
        #expect(after < before)
    }
}
