import Neuromod

/// A softmax readout on a fixed hidden layer, learning through the engine: a one-projection
/// network (hidden activity → classes) and a ``PlasticityEngine`` running the method's rule.
///
/// Used by readout studies (seed 003 §3.2) and by evolution studies' SignSGD phase. Every minibatch
/// update is computed from the parameters as they were at the start of that minibatch.
final class ReadoutNetwork: MinibatchLearner {
    let network: Network
    let engine: PlasticityEngine
    private var targets = Matrix(rows: 0, cols: 0)

    init(parameters: LayerParameters, rule: PlasticityRule) throws {
        network = try Network(inputSize: parameters.weights.cols,
                              populations: [Population(size: parameters.weights.rows, activation: .softmax)],
                              parameters: [parameters])
        // No probe draws: the readout rules have none (the streams are never read).
        engine = try PlasticityEngine(rule: rule, network: network, probeStreams: InstanceStreams(.taus2, seed: 0, base: 0, count: 0))
    }

    var parameters: LayerParameters { network.parameters[0] }

    /// One update from `hidden` (`[samples × hidden]`) with class `labels`; returns the minibatch's
    /// mean cross-entropy before the update.
    @discardableResult
    func learn(hidden: Matrix, labels: [Int]) throws -> Double {
        if targets.rows != labels.count { targets = Matrix(rows: labels.count, cols: network.populations[0].size) }
        Self.oneHot(labels[...], into: &targets)
        return try step(input: hidden, target: targets)
    }

    /// One update from one-hot `target`s; returns the minibatch's mean cross-entropy before the update.
    func step(input: Matrix, target: Matrix) throws -> Double {
        try engine.step(input: input, target: target)
        return engine.instanceLosses.reduce(0, +) / Double(max(input.rows, 1))
    }

    /// Row n of `targets` ← the one-hot vector of `labels[n]`.
    static func oneHot(_ labels: ArraySlice<Int>, into targets: inout Matrix) {
        for (n, c) in labels.enumerated() { for k in 0..<targets.cols { targets[n, k] = k == c ? 1 : 0 } }
    }

    /// The predicted class (the softmax winner, lowest index on ties) of every sample.
    func predictions(_ hidden: Matrix) -> [Int] {
        let z = network.forward(hidden)
        return (0..<z.rows).map { PlasticityEngine.argmax(z, row: $0) }
    }
}
