/// A feedforward network's pass in one precision: its weights, its state, the forward pass with a
/// rule's probe, and the backward pass (docs/precision.md). The float32 mode's network.
///
/// The arithmetic is ``Network/forward(_:streams:probe:)``'s and ``Backprop``'s, operation for
/// operation, through ``NeuromodScalar``: in `Double` it gives exactly their bits (tested), in
/// `Float` the same computation in single precision. Scope: populations without leak or intrinsic
/// noise, dense projections (``Precision/networkRefusal(_:)``). Weights enter from a ``Network``
/// rounded to nearest (``load(from:)``) and leave exactly (``store(into:)``). State is batched
/// `[instances × neurons]`; buffers are reused while the batch size stays.
final class FeedforwardPass<Scalar: NeuromodScalar> {
    /// A probe on one pass (nil: none): per-instance synaptic draws, or node noise.
    typealias Probe = (synapses: SynapticDraws<Scalar>?, nodes: NodeProbe?)

    let populations: [Population]
    let layerSizes: [Int]
    /// Per projection ℓ−1 → ℓ: `[post × pre]` weights and `post` biases.
    var weights: [DenseMatrix<Scalar>]
    var biases: [[Scalar]]
    /// The last pass's input, pre-activations z_ℓ and rates r_ℓ (`rates.last`: the output).
    private(set) var input = DenseMatrix<Scalar>(rows: 0, cols: 0)
    private(set) var preActivations: [DenseMatrix<Scalar>]
    private(set) var rates: [DenseMatrix<Scalar>]
    /// The node probe's draws σξ of the last probed pass, per layer (rounded from the float64 draws).
    private(set) var probeNoise: [DenseMatrix<Scalar>] = []

    /// ∂L/∂W, ∂L/∂b of the last ``backpropagate(loss:output:target:)``.
    private(set) var gradientWeights: [DenseMatrix<Scalar>] = []
    private(set) var gradientBiases: [[Scalar]] = []
    /// δ_ℓ, then (in place) δz_ℓ, per layer (``Backprop``'s buffers).
    private var gradPre: [DenseMatrix<Scalar>] = []
    /// The loss's ∂L/∂y in float64, before rounding.
    private var lossGradient = Matrix(rows: 0, cols: 0)

    var depth: Int { populations.count }
    var output: DenseMatrix<Scalar> { rates[depth - 1] }

    /// A pass with `network`'s layers and its weights rounded to this precision.
    init(network: Network) {
        populations = network.populations
        layerSizes = network.layerSizes
        weights = network.parameters.map { DenseMatrix<Scalar>(converting: $0.weights) }
        biases = network.parameters.map { $0.bias.map { Scalar($0) } }
        preActivations = populations.map { DenseMatrix<Scalar>(rows: 0, cols: $0.size) }
        rates = preActivations
    }

    /// Exchanges the last pass's rates and pre-activations with `rates` and `preActivations` (the
    /// same shapes), without copying. The next ``forward(probe:)`` writes every element before
    /// reading it (this core has no leak).
    func exchangeState(rates: inout [DenseMatrix<Scalar>], preActivations: inout [DenseMatrix<Scalar>]) {
        swap(&self.rates, &rates)
        swap(&self.preActivations, &preActivations)
    }

    /// Takes `network`'s weights, rounded to nearest (exact for weights a float32 step stored).
    func load(from network: Network) {
        for l in 0..<depth {
            Self.convert(network.parameters[l].weights.storage, into: &weights[l].storage)
            Self.convert(network.parameters[l].bias, into: &biases[l])
        }
    }

    /// Writes the weights into `network`'s float64 parameters (exact: every float is a double).
    func store(into network: Network) {
        for l in 0..<depth {
            Self.widen(weights[l].storage, into: &network.parameters[l].weights.storage)
            Self.widen(biases[l], into: &network.parameters[l].bias)
        }
    }

    /// out[i] = x[i] rounded to nearest (`NeuromodScalar.fromDraws`); the counts must match.
    static func convert(_ x: [Double], into out: inout [Scalar]) {
        precondition(x.count == out.count)
        x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { Scalar.fromDraws(x, into: $0) } }
    }

    /// out[i] = x[i] as a double (exact); the counts must match.
    static func widen(_ x: [Scalar], into out: inout [Double]) {
        precondition(x.count == out.count)
        x.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in for i in x.indices { out[i] = Double(x[i]) } }
        }
    }

    /// `out` ← `m` widened to float64 (resized when the shape differs).
    static func widen(_ m: DenseMatrix<Scalar>, into out: inout Matrix) {
        if out.rows != m.rows || out.cols != m.cols { out = Matrix(rows: m.rows, cols: m.cols) }
        widen(m.storage, into: &out.storage)
    }

    /// `out` ← `m` rounded to this precision (resized when the shape differs).
    static func convert(_ m: Matrix, into out: inout DenseMatrix<Scalar>) {
        if out.rows != m.rows || out.cols != m.cols { out = DenseMatrix<Scalar>(rows: m.rows, cols: m.cols) }
        convert(m.storage, into: &out.storage)
    }

    /// One feedforward pass on `x` (`[instances × inputs]`) with `probe`: z = x Wᵀ + b (+ the probe's
    /// drive), r = φ(z) (+ the node probe at its site); ``Network/forward(_:streams:probe:)``'s order.
    func forward(_ x: DenseMatrix<Scalar>, probe: Probe = (nil, nil)) {
        input = x
        forward(probe: probe)
    }

    /// `x` (`[instances × inputs]`) rounded into the pass's own input buffer, for ``forward(probe:)``.
    func setInput(_ x: Matrix) { Self.convert(x, into: &input) }

    /// One feedforward pass on the input of the last pass or ``setInput(_:)``.
    func forward(probe: Probe = (nil, nil)) {
        precondition(input.cols == layerSizes[0], "input has \(input.cols) columns, the pass expects \(layerSizes[0])")
        let batch = input.rows
        if rates[0].rows != batch {
            for l in 0..<depth {
                preActivations[l].resize(rows: batch)
                rates[l].resize(rows: batch)
            }
        }
        let draws = probe.synapses, nodes = probe.nodes, probed = draws != nil || nodes != nil
        if let nodes {
            precondition(nodes.streams.count >= batch, "need one probe stream per instance (\(batch))")
            if probeNoise.count != depth || probeNoise[0].rows != batch {
                probeNoise = populations.map { DenseMatrix<Scalar>(rows: batch, cols: $0.size) }
            }
        }
        let kernels = KernelTable.current
        for l in 0..<depth {
            let previous = l == 0 ? input : rates[l - 1]
            // The bias as Network.forward adds it: first (one BLAS block) or after the sum (pending into
            // the activation's pass when nothing else is added to z).
            let biasPending: Bool
            if previous.cols <= Network.singleBlockInputs {
                preActivations[l].storage.withUnsafeMutableBufferPointer { z in
                    biases[l].withUnsafeBufferPointer { b in Scalar.fillRows(kernels, z, b) }
                }
                DenseMatrix.gemm(previous, weights[l], transB: .transposed, beta: 1, into: &preActivations[l])
                biasPending = false
            } else {
                DenseMatrix.gemm(previous, weights[l], transB: .transposed, into: &preActivations[l])
                biasPending = !probed
                if !biasPending { preActivations[l].addRowVector(biases[l]) }
            }
            draws?.addDrive(layer: l, presynaptic: previous, into: &preActivations[l])
            if let nodes, nodes.site == .preActivation {
                drawProbe(layer: l, sigma: nodes.sigma, streams: nodes.streams)
                preActivations[l].add(probeNoise[l])
            }
            activate(layer: l, addingBias: biasPending, kernels: kernels)
            if let nodes, nodes.site == .output {
                drawProbe(layer: l, sigma: nodes.sigma, streams: nodes.streams)
                rates[l].add(probeNoise[l])
            }
        }
    }

    /// probeNoise[l] ← σξ from each instance's stream (in `Float`, the float64 draws rounded to nearest).
    private func drawProbe(layer l: Int, sigma: Double, streams: InstanceStreams) {
        let width = populations[l].size, batch = probeNoise[l].rows
        probeNoise[l].storage.withUnsafeMutableBufferPointer { buffer in
            for n in 0..<batch {
                Scalar.fillGaussian(UnsafeMutableBufferPointer(rebasing: buffer[(n * width)..<((n + 1) * width)]),
                                    from: streams[n], sigma: sigma)
            }
        }
    }

    /// r = φ(z); with `addingBias`, z ← z + b first, in the activation's pass.
    private func activate(layer l: Int, addingBias: Bool, kernels: KernelTable) {
        let activation = populations[l].activation, width = populations[l].size
        preActivations[l].storage.withUnsafeMutableBufferPointer { z in
            rates[l].storage.withUnsafeMutableBufferPointer { r in
                biases[l].withUnsafeBufferPointer { b in
                    if case .softmax = activation {
                        if addingBias { Scalar.addRowVector(kernels, z, b) }
                        guard width > 0 else { return }
                        Scalar.softmax(kernels, UnsafeBufferPointer(z), width: width, into: r)
                    } else if addingBias {
                        Scalar.biasActivate(kernels, activation, z, bias: b, into: r)
                    } else {
                        Scalar.activate(kernels, activation, UnsafeBufferPointer(z), into: r)
                    }
                }
            }
        }
    }

    /// The backward pass of the last forward pass (``Backprop``'s arithmetic): fills
    /// ``gradientWeights`` and ``gradientBiases``. `output` is the last pass's output in float64 (the
    /// loss's ∂L/∂y is computed there, then rounded); `target` is `[instances × outputs]`.
    func backpropagate(loss: Loss, output: Matrix, target: Matrix) {
        let batch = input.rows, last = depth - 1
        if gradientWeights.count != depth {
            gradientWeights = weights.map { DenseMatrix<Scalar>(rows: $0.rows, cols: $0.cols) }
            gradientBiases = biases.map { Array(repeating: 0, count: $0.count) }
        }
        if gradPre.count != depth || gradPre[0].rows != batch {
            gradPre = populations.map { DenseMatrix<Scalar>(rows: batch, cols: $0.size) }
        }
        if loss == .crossEntropy && populations[last].activation == .softmax {
            // Fused softmax + cross-entropy: ∂L/∂z = (y − t)/B.
            let scale = Scalar(1 / Double(max(batch, 1)))
            let y = rates[last].storage
            gradPre[last].storage.withUnsafeMutableBufferPointer { g in
                for i in g.indices { g[i] = (y[i] - Scalar(target.storage[i])) * scale }
            }
            for j in gradientBiases[last].indices { gradientBiases[last][j] = 0 }
            gradPre[last].addColumnSums(scaledBy: 1, into: &gradientBiases[last])
        } else {
            if lossGradient.rows != batch || lossGradient.cols != target.cols {
                lossGradient = Matrix(rows: batch, cols: target.cols)
            }
            loss.gradient(output: output, target: target, into: &lossGradient)
            Self.convert(lossGradient.storage, into: &gradPre[last].storage)
            backwardThroughActivation(layer: last)
        }
        // The bias gradients (column sums of δz) are summed where δz is made (backwardThroughActivation).
        for l in stride(from: last, through: 0, by: -1) {
            let previous = l == 0 ? input : rates[l - 1]
            DenseMatrix.gemm(gradPre[l], previous, transA: .transposed, into: &gradientWeights[l])
            if l > 0 {
                DenseMatrix.gemm(gradPre[l], weights[l], into: &gradPre[l - 1])
                backwardThroughActivation(layer: l - 1)
            }
        }
    }

    /// θ ← θ − η ∂L/∂θ with the gradients of the last ``backpropagate(loss:output:target:)``.
    func descend(learningRate: Double) {
        let alpha = Scalar(-learningRate)
        for l in 0..<depth {
            weights[l].add(gradientWeights[l], scaledBy: alpha)
            for j in biases[l].indices { biases[l][j] += alpha * gradientBiases[l][j] }
        }
    }

    /// δz_ℓ = φ′ᵀ δ_ℓ at layer l, in place in `gradPre[l]`, and the bias gradient Σ_n δz_ℓ (row after
    /// row, from 0); elementwise activations do both in one kernel pass (``Backprop``'s order). A
    /// one-neuron layer's δ stays a GEMM here (sgemm's k = 1 rounding is not the one checked for dgemm).
    private func backwardThroughActivation(layer l: Int) {
        let activation = populations[l].activation, width = populations[l].size, kernels = KernelTable.current
        for j in gradientBiases[l].indices { gradientBiases[l][j] = 0 }
        let softmax = activation == .softmax
        rates[l].storage.withUnsafeBufferPointer { a in
            preActivations[l].storage.withUnsafeBufferPointer { z in
                gradPre[l].storage.withUnsafeMutableBufferPointer { out in
                    let g = UnsafeBufferPointer(out)  // in place: δ read, δz written over it
                    if softmax {
                        guard width > 0 else { return }
                        Scalar.softmaxBackward(kernels, gradOutput: g, output: a, width: width, into: out)
                    } else {
                        gradientBiases[l].withUnsafeMutableBufferPointer { sums in
                            Scalar.backward(kernels, activation, gradOutput: g, output: a, preActivation: z,
                                            into: out, addingColumnSumsInto: sums)
                        }
                    }
                }
            }
        }
        if softmax { gradPre[l].addColumnSums(scaledBy: 1, into: &gradientBiases[l]) }
    }
}

/// A node probe on one pass: σξ added to every neuron at `site`, instance n drawing from `streams[n]`.
struct NodeProbe {
    var sigma: Double
    var site: NoiseSite
    var streams: InstanceStreams
}

/// A ``SynapticNoise``'s draws in one precision: the float64 draws rounded to nearest (Gaussian:
/// drawn here row by row, ``drawGaussian(layerSizes:batch:streams:threads:)``); Rademacher signs stay
/// bits (drawn by the ``SynapticNoise``, ``take()``).
final class SynapticDraws<Scalar: NeuromodScalar> {
    /// The float64 draws this holds in `Scalar`.
    let noise: SynapticNoise
    let sigma: Scalar
    /// +1 or −1: the sign with which the draws are applied in the next pass.
    var sign: Double = 1
    /// Per layer (Gaussian only): the weight draws, `[instances × (post·pre)]`.
    private(set) var weights: [DenseMatrix<Scalar>] = []
    /// Per layer: the bias draws, `[instances × post]`.
    private(set) var biases: [DenseMatrix<Scalar>] = []

    init(_ noise: SynapticNoise) {
        self.noise = noise
        sigma = Scalar(noise.sigma)
    }

    /// Draws a Gaussian probe for `batch` instances straight into this precision: instance n fills
    /// each of its rows from `streams[n]` (``NeuromodScalar/fillGaussian(_:from:sigma:)``: in `Float`,
    /// each draw rounded to nearest as it is made). Layer by layer, weights before biases:
    /// ``SynapticNoise/draw(for:batch:streams:threads:)``'s order per stream, so exactly its draws,
    /// without its float64 buffer of batch × parameters (19 MB on the housing network). On `threads`
    /// threads, blocks of instances; the numbers do not depend on it. Dense projections only
    /// (float32 refuses sparse ones, ``Precision``).
    func drawGaussian(layerSizes sizes: [Int], batch: Int, streams: InstanceStreams, threads: Int) {
        let depth = sizes.count - 1
        let workers = max(1, min(threads, batch))
        if biases.count != depth || weights.count != depth || (depth > 0 && biases[0].rows != batch) {
            biases = (0..<depth).map { DenseMatrix<Scalar>(rows: batch, cols: sizes[$0 + 1]) }
            weights = (0..<depth).map { DenseMatrix<Scalar>(rows: batch, cols: sizes[$0] * sizes[$0 + 1]) }
        }
        for l in 0..<depth {
            fillRows(&weights[l].storage, width: sizes[l] * sizes[l + 1], batch: batch, workers: workers, streams: streams)
            fillRows(&biases[l].storage, width: sizes[l + 1], batch: batch, workers: workers, streams: streams)
        }
    }

    /// Fills `out` (`[batch × width]`) with instance n's next `width` normals in row n.
    private func fillRows(_ out: inout [Scalar], width: Int, batch: Int, workers: Int, streams: InstanceStreams) {
        let sigma = noise.sigma
        out.withUnsafeMutableBufferPointer { out in
            GaussianRowDraws(base: out, width: width, mask: nil, streams: streams, sigma: sigma).draw(batch: batch, workers: workers)
        }
    }

    /// Takes the ``SynapticNoise``'s last draws into this precision.
    func take() {
        let source = noise.biases
        if biases.count != source.count || (!source.isEmpty && biases[0].rows != source[0].rows) {
            biases = source.map { DenseMatrix<Scalar>(rows: $0.rows, cols: $0.cols) }
            weights = noise.distribution == .gaussian ? noise.weights.map { DenseMatrix<Scalar>(rows: $0.rows, cols: $0.cols) } : []
        }
        for l in source.indices { FeedforwardPass<Scalar>.convert(source[l].storage, into: &biases[l].storage) }
        if noise.distribution == .gaussian {
            let draws = noise.weights
            for l in draws.indices { FeedforwardPass<Scalar>.convert(draws[l].storage, into: &weights[l].storage) }
        }
    }

    /// z⁽ⁿ⁾ += s·(ε⁽ⁿ⁾ x⁽ⁿ⁾ + ε_b⁽ⁿ⁾) for every instance (``SynapticNoise``'s `addDrive` arithmetic).
    func addDrive(layer l: Int, presynaptic x: DenseMatrix<Scalar>, into z: inout DenseMatrix<Scalar>) {
        let batch = z.rows, post = z.cols, pre = x.cols
        z.add(biases[l], scaledBy: Scalar(sign))
        if noise.distribution == .rademacher {
            let words = noise.signWords[l], scale = Scalar(sign * noise.sigma), table = Scalar.signTable
            noise.signs[l].withUnsafeBufferPointer { bits in
                x.storage.withUnsafeBufferPointer { xs in
                    z.storage.withUnsafeMutableBufferPointer { zs in
                        for n in 0..<batch {
                            let row = bits.baseAddress! + n * words, xn = xs.baseAddress! + n * pre
                            for j in 0..<post {
                                let t = RademacherKernels.signedSum(row, bitOffset: j * pre, xn, count: pre, mask: nil, table: table)
                                zs[n * post + j] += scale * t
                            }
                        }
                    }
                }
            }
            return
        }
        let s = Scalar(sign)
        weights[l].storage.withUnsafeBufferPointer { e in
            x.storage.withUnsafeBufferPointer { xs in
                z.storage.withUnsafeMutableBufferPointer { zs in
                    for n in 0..<batch {
                        Scalar.gemv(.none, m: post, n: pre, alpha: s, e.baseAddress! + n * post * pre, lda: pre,
                                    xs.baseAddress! + n * pre, beta: 1, zs.baseAddress! + n * post)
                    }
                }
            }
        }
    }
}
