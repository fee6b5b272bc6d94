import Neuromod

/// A learning method bound to one network for one run: performs one update per minibatch.
protocol Trainer {
    /// Updates the network on one minibatch; returns the training loss of that batch (the loss the
    /// update was computed from).
    func update(input: Matrix, target: Matrix) throws -> Double
}

/// SGD on the exact gradient.
struct BackpropTrainer: Trainer {
    let network: Network
    let backprop: Backprop
    let learningRate: Double
    /// Instance noise streams (used only if populations declare intrinsic noise).
    let streams: InstanceStreams

    func update(input: Matrix, target: Matrix) throws -> Double {
        try backprop.sgdStep(network: network, input: input, target: target, learningRate: learningRate,
                             streams: streams)
    }
}

extension LearningRule {
    /// The spec name of the rule.
    var name: String {
        switch self { case .backprop: return "backprop" }
    }

    /// A short hint for a run that diverged under this rule.
    var divergenceHint: String {
        "the learning rate \(learningRate) may be too large for this task"
    }

    func makeTrainer(network: Network, streams: InstanceStreams) -> Trainer {
        switch self {
        case .backprop(let eta, let loss):
            return BackpropTrainer(network: network, backprop: Backprop(loss: loss), learningRate: eta, streams: streams)
        }
    }
}
