import Neuromod

/// SGD on the exact gradient, as a learner of the engine's minibatch loop.
struct BackpropTrainer: MinibatchLearner {
    let network: Network
    let backprop: Backprop
    let learningRate: Double
    /// Instance noise streams (used only if populations declare intrinsic noise).
    let streams: InstanceStreams

    func step(input: Matrix, target: Matrix) throws -> Double {
        try backprop.sgdStep(network: network, input: input, target: target, learningRate: learningRate,
                             streams: streams)
    }
}

extension LearningRule {
    /// The spec name of the rule.
    var name: String {
        switch self {
        case .backprop: return "backprop"
        case .local(let rule): return rule.name
        }
    }

    /// A short hint for a run that diverged under this rule.
    var divergenceHint: String {
        switch self {
        case .backprop: return "the learning rate \(learningRate) may be too large for this task"
        case .local(let rule):
            return "the learning rate \(learningRate) or sigma \(rule.sigma) may be too large for this task"
        }
    }

    /// Binds the rule to a network. `intrinsic` feeds the populations' own noise; `probe` the rule's
    /// perturbations, drawn on `noiseThreads` threads; the minibatch step runs in `precision`.
    func makeTrainer(network: Network, intrinsic: InstanceStreams, probe: InstanceStreams, noiseThreads: Int,
                     precision: Precision = .float64) throws -> any MinibatchLearner {
        switch self {
        case .backprop(let eta, let loss):
            return BackpropTrainer(network: network, backprop: Backprop(loss: loss, precision: precision), learningRate: eta,
                                   streams: intrinsic)
        case .local(let rule):
            let engine = try PlasticityEngine(rule: rule, network: network, probeStreams: probe, intrinsicStreams: intrinsic,
                                              precision: precision)
            engine.noiseThreads = noiseThreads
            return engine
        }
    }
}
