import Foundation
import Neuromod
import NeuromodTasks

/// What the three examples share: the thesis's noisy sinusoid (seed 000, §4.1), a small network for
/// it, and a training loop. Everything here is Neuromod's public API; nothing is `@testable`.
enum Sinusoid {
    /// y = sin(x) + N(0, 0.1²) on 256 evenly spaced x in [−π, π], fixed by `seed`.
    static func data(seed: UInt64 = 1) throws -> Dataset {
        try SinusoidTask(low: -Double.pi, high: Double.pi, samples: 256, noiseSigma: 0.1).make(seed: seed)
    }

    /// A 1-8-4-1 network (sigmoid hidden layers, linear output) with weights drawn uniformly in
    /// ±1/√fan-in from stream 0 of `seed`; `noise` is the hidden layers' intrinsic noise σ (0: none).
    static func network(seed: UInt64 = 1, noise: Double = 0) throws -> Network {
        let intrinsic = noise > 0 ? IntrinsicNoise(site: .output, sigma: noise) : nil
        return try Network(
            inputSize: 1,
            populations: [Population(size: 8, activation: .sigmoid, noise: intrinsic),
                          Population(size: 4, activation: .sigmoid, noise: intrinsic),
                          Population(size: 1, activation: .linear)],
            initializer: .uniform, rng: RandomGenerator(.taus2, seed: seed))
    }

    /// The clean (noise-free) mean squared error of `network` on the whole of `data`.
    static func loss(_ network: Network, on data: Dataset) -> Double {
        Loss.meanSquaredError.mean(output: network.forward(data.inputs), target: data.targets)
    }

    /// Trains `network` with `rule` for `epochs` epochs of minibatches of `batch` rows (a fresh
    /// order each epoch) and returns the clean loss before and after. Probe noise and the network's
    /// intrinsic noise (if any) come from their own streams of `seed`, one per instance.
    static func train(_ network: Network, rule: PlasticityRule, on data: Dataset, epochs: Int, batch: Int = 32,
                      seed: UInt64 = 1) throws -> (before: Double, after: Double) {
        let before = loss(network, on: data)
        let engine = try PlasticityEngine(
            rule: rule, network: network,
            probeStreams: InstanceStreams(.taus2, seed: seed, base: 1_000, count: batch),
            intrinsicStreams: InstanceStreams(.taus2, seed: seed, base: 2_000, count: batch))
        let loop = MinibatchLoop(rows: data.count, batchSize: batch, epochs: epochs,
                                 order: try RandomGenerator(.taus2, seed: seed, stream: 3_000))
        try loop.run(
            learner: engine, inputColumns: 1, targetColumns: 1,
            feed: { rows, input, target in
                data.inputs.gatherRows(rows, into: &input)
                data.targets.gatherRows(rows, into: &target)
            },
            onStep: { $0.learnerLoss.isFinite ? .proceed : .stop },
            onEpoch: { _ in .proceed })
        return (before, loss(network, on: data))
    }

    /// One line per result, `name: loss before → after`, and whether the loss fell.
    static func report(_ name: String, _ result: (before: Double, after: Double)) -> Bool {
        let fell = result.after < result.before
        print("\(name): loss \(rounded(result.before)) → \(rounded(result.after))\(fell ? "" : " (did not fall)")")
        return fell
    }

    /// `x` with 4 significant digits.
    static func rounded(_ x: Double) -> String { String(format: "%.4g", x) }
}
