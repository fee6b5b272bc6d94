import Neuromod

extension Runner {
    /// The network run `r` starts from: drawn by the spec's initializer and connectivity from the
    /// run's initialization stream, then, with `network.initial_weights`, given the saved weights
    /// (outside a sparse layer's mask they become 0). Every method's run `r` starts here.
    public func initialNetwork(run r: Int) throws -> Network {
        let network = try Network(
            inputSize: spec.network.inputSize, populations: spec.network.layers.map(\.population),
            initializer: spec.network.initializer,
            connectionProbability: spec.network.layers.map(\.connectionProbability),
            rng: RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: r)))
        if let initialWeights { network.load(initialWeights) }
        return network
    }

    /// The clean mean loss of `network` over the test set (nil without one), evaluated as after
    /// every epoch: in chunks of the batch size, with the loss of `method`.
    public func testLoss(of network: Network, method: MethodSpec) -> Double? {
        data.test.map { evaluate(network, on: $0, loss: method.rule.loss, chunk: spec.training.batchSize) }
    }
}
