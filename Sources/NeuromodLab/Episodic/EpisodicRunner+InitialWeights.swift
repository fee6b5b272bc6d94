import Neuromod

extension EpisodicRunner {
    /// The policy network in the spec's `network.initial_weights`, checked against the policy's
    /// layers (the environment's observation size, the hidden layers, one softmax neuron per action);
    /// nil without one. Every run of every method starts from it (see ``WeightFiles``).
    func initialWeights() throws -> SavedNetwork? {
        guard let path = spec.initialWeights else { return nil }
        let environment = try spec.environment.kind.make(parameters: spec.environment.options)
        return try SavedNetwork.load(path: path, sizes: [environment.observationSize] + spec.hidden + [environment.actionCount],
                                     activations: spec.hidden.map { _ in spec.hiddenActivation } + [.softmax])
    }
}
