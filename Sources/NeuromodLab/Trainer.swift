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

/// A local rule run by the engine.
struct LocalRuleTrainer: Trainer {
    let engine: PlasticityEngine

    func update(input: Matrix, target: Matrix) throws -> Double {
        try engine.step(input: input, target: target)
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
    /// perturbations, drawn on `noiseThreads` threads.
    func makeTrainer(network: Network, intrinsic: InstanceStreams, probe: InstanceStreams, noiseThreads: Int) throws -> Trainer {
        switch self {
        case .backprop(let eta, let loss):
            return BackpropTrainer(network: network, backprop: Backprop(loss: loss), learningRate: eta, streams: intrinsic)
        case .local(let rule):
            let engine = try PlasticityEngine(rule: rule, network: network, probeStreams: probe, intrinsicStreams: intrinsic)
            engine.noiseThreads = noiseThreads
            return LocalRuleTrainer(engine: engine)
        }
    }
}
