/// The backpropagation reference: the exact gradient of the batch loss and plain SGD on it.
///
/// This is the one non-local method in Neuromod. It is the baseline every local rule is compared
/// with and the ground truth for estimator checks. The gradient is that of the network's last
/// forward pass as computed (noise included, if streams were given); leaky populations are rejected,
/// since one step of a leaky network is not a function of its input alone.
///
/// Backward pass (thesis §2.2, eq. 5–9): δ_L = ∂L/∂r_L; for ℓ = L…1: δz_ℓ = φ′ᵀ δ_ℓ,
/// ∂L/∂W_ℓ = δz_ℓᵀ r_{ℓ−1}, ∂L/∂b_ℓ = Σ_n δz_ℓ, δ_{ℓ−1} = δz_ℓ W_ℓ — all batched through BLAS.
public final class Backprop {
    public let loss: Loss
    /// ∂L/∂θ of the last call to ``computeGradients(network:input:target:streams:)``.
    public private(set) var gradients: [LayerParameters] = []
    /// Per-instance losses of the last call.
    public private(set) var instanceLosses: [Double] = []
    /// δ_ℓ, then (in place) δz_ℓ, per layer: the backward pass works in one buffer per layer.
    private var gradPre: [Matrix] = []

    /// ∂L/∂z per layer of the last ``computeGradients(network:input:target:streams:)``, `[B × neurons]`
    /// (for a batch, the batch loss's: each instance's gradient divided by B).
    public var preActivationGradients: [Matrix] { gradPre }

    /// The floating-point type of the passes and the SGD step (``Precision``).
    public let precision: Precision
    /// The float32 mode's pass, its network and output (float64, for the loss).
    private var single: FeedforwardPass<Float>?
    private weak var singleNetwork: Network?
    private var singleOutput = Matrix(rows: 0, cols: 0)

    /// A backprop learner.
    /// - Parameters:
    ///   - loss: the loss whose gradient it follows.
    ///   - precision: the floating-point type of its passes and SGD step; `float32` computes the
    ///     forward and backward passes and the SGD write in `Float` on networks without leak,
    ///     intrinsic noise or sparse connectivity (the loss and its per-instance values stay `Double`;
    ///     ``gradients`` are the float gradients, widened; ``preActivationGradients`` and the
    ///     network's pass state (``Network/rates`` …) are not filled by a float32 pass).
    public init(loss: Loss, precision: Precision = .float64) {
        self.loss = loss
        self.precision = precision
    }

    /// Runs a forward pass and the backward pass; returns the batch loss and fills ``gradients``.
    @discardableResult
    public func computeGradients(network: Network, input: Matrix, target: Matrix,
                                 streams: InstanceStreams? = nil) throws -> Double {
        try check(network: network, input: input, target: target)
        if precision == .float32 {
            let batchLoss = try singleBackward(network: network, input: input, target: target)
            let pass = single!
            if gradients.count != network.depth {
                gradients = (0..<network.depth).map { LayerParameters(pre: network.layerSizes[$0], post: network.layerSizes[$0 + 1]) }
            }
            for l in 0..<network.depth {
                FeedforwardPass<Float>.widen(pass.gradientWeights[l].storage, into: &gradients[l].weights.storage)
                FeedforwardPass<Float>.widen(pass.gradientBiases[l], into: &gradients[l].bias)
            }
            return batchLoss
        }
        let output = network.forward(input, streams: streams)
        let batchLoss = loss.evaluate(output: output, target: target, perInstance: &instanceLosses)
        prepareBuffers(network: network, batch: input.rows)
        let last = network.depth - 1
        let outputActivation = network.populations[last].activation
        if loss == .crossEntropy && outputActivation == .softmax {
            // Fused softmax + cross-entropy: ∂L/∂z = (y − t)/B.
            let scale = 1 / Double(max(input.rows, 1))
            for i in gradPre[last].storage.indices {
                gradPre[last].storage[i] = (output.storage[i] - target.storage[i]) * scale
            }
            for j in gradients[last].bias.indices { gradients[last].bias[j] = 0 }
            gradPre[last].addColumnSums(scaledBy: 1, into: &gradients[last].bias)
        } else {
            loss.gradient(output: output, target: target, into: &gradPre[last])
            backwardThroughActivation(network: network, layer: last)
        }
        // ∂L/∂b_ℓ (the column sums of δz_ℓ) is summed where δz_ℓ is made, in backwardThroughActivation.
        for l in stride(from: last, through: 0, by: -1) {
            let previous = l == 0 ? network.input : network.rates[l - 1]
            Matrix.gemm(gradPre[l], previous, transA: .transposed, into: &gradients[l].weights)
            network.connectivity[l].apply(to: &gradients[l].weights)
            if l > 0 {
                if gradPre[l].cols == 1 && network.populations[l - 1].activation != .softmax {
                    // A one-neuron layer: δ_{ℓ−1} = δz_ℓ W_ℓ is an outer product, made inside the kernel.
                    backwardThroughActivation(network: network, layer: l - 1, outerProductFrom: l)
                } else {
                    Matrix.gemm(gradPre[l], network.parameters[l].weights, into: &gradPre[l - 1])
                    backwardThroughActivation(network: network, layer: l - 1)
                }
            }
        }
        return batchLoss
    }

    /// One SGD step θ ← θ − η ∂L/∂θ on a batch; returns the batch loss before the step.
    @discardableResult
    public func sgdStep(network: Network, input: Matrix, target: Matrix, learningRate: Double,
                        streams: InstanceStreams? = nil) throws -> Double {
        if precision == .float32 {
            let batchLoss = try singleBackward(network: network, input: input, target: target)
            single!.descend(learningRate: learningRate)
            single!.store(into: network)
            return batchLoss
        }
        let batchLoss = try computeGradients(network: network, input: input, target: target, streams: streams)
        for l in 0..<network.depth { network.parameters[l].add(gradients[l], scaledBy: -learningRate) }
        return batchLoss
    }

    /// Refuses leaky populations and a target of the wrong shape.
    private func check(network: Network, input: Matrix, target: Matrix) throws {
        guard !network.hasLeakyPopulation else {
            throw NetworkError.unsupported("backprop needs populations without leak (leak_steps)")
        }
        guard target.cols == network.populations[network.depth - 1].size, target.rows == input.rows else {
            throw NetworkError.shapeMismatch(what: "target", expected: "\(input.rows)×\(network.layerSizes.last!)",
                                             got: "\(target.rows)×\(target.cols)")
        }
    }

    /// The float32 forward and backward passes on `network`'s weights (rounded); returns the batch loss.
    private func singleBackward(network: Network, input: Matrix, target: Matrix) throws -> Double {
        try check(network: network, input: input, target: target)
        if let why = Precision.threadRefusal() { throw NetworkError.unsupported(why) }
        let pass: FeedforwardPass<Float>
        if let single, singleNetwork === network {
            pass = single
            pass.load(from: network)
        } else {
            // A network's populations and connectivity are fixed: checked once, when its pass is made.
            if let why = Precision.networkRefusal(network) { throw NetworkError.unsupported(why) }
            pass = FeedforwardPass(network: network)
            (single, singleNetwork) = (pass, network)
        }
        pass.setInput(input)
        pass.forward()
        FeedforwardPass<Float>.widen(pass.output, into: &singleOutput)
        let batchLoss = loss.evaluate(output: singleOutput, target: target, perInstance: &instanceLosses)
        pass.backpropagate(loss: loss, output: singleOutput, target: target)
        return batchLoss
    }

    /// δz_ℓ = φ′ᵀ δ_ℓ into `gradPre[l]`, and ∂L/∂b_ℓ = Σ_n δz_ℓ (row after row, from 0) into
    /// `gradients[l].bias`; elementwise activations do both in one kernel pass. δ_ℓ is `gradPre[l]`
    /// (overwritten in place), or, with `next` (a one-neuron layer above; elementwise φ only), the
    /// outer product δz_next W_next, as `dgemm` would give it (k = 1).
    private func backwardThroughActivation(network: Network, layer l: Int, outerProductFrom next: Int? = nil) {
        let population = network.populations[l]
        // φ′ is taken at the noiseless rate φ(z): output noise is added after the transfer function.
        var rates = network.rates[l]
        if population.noise?.site == .output { rates.add(network.noise[l], scaledBy: -1) }
        for j in gradients[l].bias.indices { gradients[l].bias[j] = 0 }
        let softmax = population.activation == .softmax
        // δz and W of the one-neuron layer above, taken out before gradPre[l] is written (exclusive access).
        let above = next.map { (gradPre[$0].storage, network.parameters[$0].weights.storage) }
        rates.storage.withUnsafeBufferPointer { a in
            network.preActivations[l].storage.withUnsafeBufferPointer { z in
                gradPre[l].storage.withUnsafeMutableBufferPointer { out in
                    // In place: δ_ℓ is read and δz_ℓ written over it, element by element (the kernels allow it).
                    let g = UnsafeBufferPointer(out)
                    if softmax {
                        population.activation.backward(gradOutput: g, output: a, preActivation: z,
                                                       width: population.size, into: out)
                    } else if case let (dz, weights)? = above {
                        dz.withUnsafeBufferPointer { d in
                            weights.withUnsafeBufferPointer { w in
                                gradients[l].bias.withUnsafeMutableBufferPointer { sums in
                                    KernelTable.current.backward(population.activation, outerProductOf: d, w, output: a,
                                                                 preActivation: z, into: out, addingColumnSumsInto: sums)
                                }
                            }
                        }
                    } else {
                        gradients[l].bias.withUnsafeMutableBufferPointer { sums in
                            KernelTable.current.backward(population.activation, gradOutput: g, output: a, preActivation: z,
                                                         into: out, addingColumnSumsInto: sums)
                        }
                    }
                }
            }
        }
        if softmax { gradPre[l].addColumnSums(scaledBy: 1, into: &gradients[l].bias) }
    }

    private func prepareBuffers(network: Network, batch: Int) {
        let sizes = network.layerSizes
        if gradients.count != network.depth {
            gradients = (0..<network.depth).map { LayerParameters(pre: sizes[$0], post: sizes[$0 + 1]) }
        }
        if gradPre.count != network.depth || gradPre[0].rows != batch {
            gradPre = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0 + 1]) }
        }
    }
}
