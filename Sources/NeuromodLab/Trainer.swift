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

/// A local perturbation rule (weight/node perturbation, SPSA, ES).
struct PerturbationTrainer: Trainer {
    let learner: ThreeFactorLearner

    func update(input: Matrix, target: Matrix) throws -> Double {
        try learner.step(input: input, target: target)
    }
}

extension LearningRule {
    /// The spec name of the rule.
    var name: String {
        switch self {
        case .backprop: return "backprop"
        case .threeFactor(let rule):
            switch rule.preset {
            case .weightPerturbation: return "weight-perturbation"
            case .threeFactorWeightPerturbation(let variant): return "three-factor-wp(\(variant.rawValue))"
            case .threeFactorNodePerturbation: return "three-factor-np"
            case .antitheticSPSA: return "spsa"
            case .evolutionStrategies: return "evolution-strategies"
            }
        }
    }

    /// A short hint for a run that diverged under this rule.
    var divergenceHint: String {
        switch self {
        case .backprop: return "the learning rate \(learningRate) may be too large for this task"
        case .threeFactor(let rule):
            return "the learning rate \(learningRate) or sigma \(rule.sigma) may be too large for this task"
        }
    }

    /// Binds the rule to a network. `intrinsic` feeds the populations' own noise; `probe` the rule's
    /// perturbations, drawn on `noiseThreads` threads.
    func makeTrainer(network: Network, intrinsic: InstanceStreams, probe: InstanceStreams, noiseThreads: Int) throws -> Trainer {
        switch self {
        case .backprop(let eta, let loss):
            return BackpropTrainer(network: network, backprop: Backprop(loss: loss), learningRate: eta, streams: intrinsic)
        case .threeFactor(let rule):
            let learner = try ThreeFactorLearner(rule: rule, network: network, probeStreams: probe, intrinsicStreams: intrinsic)
            learner.noiseThreads = noiseThreads
            return PerturbationTrainer(learner: learner)
        }
    }
}
