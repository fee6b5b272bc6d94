import Foundation
import Neuromod

/// One update of one method on a tiny network with its noise recorded, for
/// Benchmarks/check_numpy_peer.py: the NumPy peer replays the same noise and must produce the same
/// update to rounding.
struct ReferenceCase: Codable {
    var method: String
    var learningRate: Double
    var sigma: Double?
    var sizes: [Int]
    var batch: Int
    /// Per layer, row-major [post × pre] (w[j, i] from i to j).
    var weights: [[Double]]
    var biases: [[Double]]
    /// Row-major [batch × inputs] and [batch × outputs].
    var input: [Double]
    var target: [Double]
    /// Per instance. WP, 3F-WP: the synaptic draws ε ~ N(0, σ²) in the order W1, b1, W2, b2, …
    /// 3F-NP: the node draws ξ ~ N(0, 1) (the probe adds σξ) in the order layer 1, layer 2, …
    /// BP: nil.
    var noise: [[Double]]?
    /// ΔW and Δb as applied (BP: −η ∂L/∂θ).
    var updateWeights: [[Double]]
    var updateBiases: [[Double]]
    var instanceLosses: [Double]
}

/// Writes one ``ReferenceCase`` per method on a 3-5-4-1 sigmoid/sigmoid/linear network, batch 6.
func dumpReference(to path: String, options: Options) throws {
    let sizes = [3, 5, 4, 1]
    let batch = 6
    let populations = [Population(size: 5, activation: .sigmoid), Population(size: 4, activation: .sigmoid),
                       Population(size: 1, activation: .linear)]
    let data = try RandomGenerator(options.random, seed: options.seed, stream: 99)
    var input = Matrix(rows: batch, cols: sizes[0]), target = Matrix(rows: batch, cols: 1)
    data.fillGaussian(&input.storage)
    data.fillGaussian(&target.storage)
    var cases: [ReferenceCase] = []
    for method in Method.allCases {
        // Larger initial weights than the housing init, so that every term of the update matters.
        let network = try Network(inputSize: sizes[0], populations: populations, initializer: .kaimingUniform,
                                  rng: RandomGenerator(options.random, seed: options.seed, stream: 7))
        for l in 0..<network.depth {
            for j in network.parameters[l].bias.indices { network.parameters[l].bias[j] = 0.3 * Double(j + 1) - 0.5 }
        }
        let weights = network.parameters.map(\.weights.storage), biases = network.parameters.map(\.bias)
        var noise: [[Double]]? = nil
        var dW: [[Double]] = [], db: [[Double]] = [], losses: [Double] = []
        switch method.rule {
        case .backprop(let eta, let loss):
            let bp = Backprop(loss: loss)
            try bp.computeGradients(network: network, input: input, target: target)
            dW = bp.gradients.map { $0.weights.storage.map { -eta * $0 } }
            db = bp.gradients.map { $0.bias.map { -eta * $0 } }
            losses = bp.instanceLosses
        case .local(let rule):
            let learner = try PlasticityEngine(
                rule: rule, network: network,
                probeStreams: InstanceStreams(options.random, seed: options.seed, base: Streams.probe, count: batch))
            try learner.computeUpdate(input: input, target: target)
            dW = learner.updates.map(\.weights.storage)
            db = learner.updates.map(\.bias)
            losses = learner.instanceLosses
            if let synaptic = learner.synaptic {
                noise = (0..<batch).map { n in
                    (0..<network.depth).flatMap { synaptic.weights[$0].row(n) + synaptic.biases[$0].row(n) }
                }
            } else {
                noise = (0..<batch).map { n in
                    (0..<network.depth).flatMap { network.probeNoise[$0].row(n).map { $0 / rule.sigma } }
                }
            }
        }
        cases.append(ReferenceCase(method: method.rawValue, learningRate: method.learningRate, sigma: method.sigma,
                                   sizes: sizes, batch: batch, weights: weights, biases: biases,
                                   input: input.storage, target: target.storage, noise: noise,
                                   updateWeights: dW, updateBiases: db, instanceLosses: losses))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(cases).write(to: URL(fileURLWithPath: path))
    print("wrote \(cases.count) reference updates (\(sizes.map(String.init).joined(separator: "-")), batch \(batch)) to \(path)")
}
