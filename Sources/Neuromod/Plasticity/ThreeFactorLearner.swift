import CGSL

/// Runs a ``ThreeFactorRule`` on one network: probes, passes, broadcast, eligibility and the bulk
/// update ΔW = η/B Σ_n M⁽ⁿ⁾ E⁽ⁿ⁾ (through BLAS where the eligibility factorizes).
///
/// One ``step(input:target:)`` per minibatch:
/// 1. draw the probe from each instance's stream and run the pass(es) the preset needs;
/// 2. per-instance losses L⁽ⁿ⁾ of the perturbed output → the ``Neuromodulator`` → M⁽ⁿ⁾;
/// 3. every synapse combines M⁽ⁿ⁾ with its local term; the sum over instances is the update.
public final class ThreeFactorLearner {
    public let rule: ThreeFactorRule
    public let network: Network
    public let modulator: Neuromodulator
    /// Streams for the probe (instance n uses stream n).
    public let probeStreams: InstanceStreams
    /// Streams for the populations' intrinsic noise (nil: intrinsic noise off).
    public let intrinsicStreams: InstanceStreams?
    /// ΔW and Δb of the last step, per layer.
    public private(set) var updates: [LayerParameters]
    /// L⁽ⁿ⁾ of the last perturbed pass (for SPSA, the mean of the + and − passes).
    public private(set) var instanceLosses: [Double] = []
    /// M⁽ⁿ⁾ of the last step.
    public private(set) var modulation: [Double] = []
    /// Threads that draw the synaptic probe (instances split into blocks; the numbers do not depend on it).
    public var noiseThreads = 1

    /// The synaptic probe's draws of the last step (weight-based presets; nil for node perturbation).
    public let synaptic: SynapticNoise?
    private var minusLosses: [Double] = []
    private var cleanRates: [Matrix] = []
    private var cleanPre: [Matrix] = []
    private var scratch: [Matrix] = []

    public init(rule: ThreeFactorRule, network: Network, probeStreams: InstanceStreams,
                intrinsicStreams: InstanceStreams? = nil) throws {
        guard rule.sigma > 0, rule.sigma.isFinite else {
            throw NetworkError.unsupported("perturbation sigma must be a positive number, got \(rule.sigma)")
        }
        guard network.populations.allSatisfy({ $0.leakSteps == nil }) else {
            throw NetworkError.unsupported("perturbation rules here update once per feedforward pass: populations must not leak")
        }
        if rule.preset == .threeFactorNodePerturbation,
           network.populations.contains(where: { $0.activation == .softmax }) {
            throw NetworkError.unsupported("three-factor node perturbation needs elementwise activations (no softmax layer)")
        }
        self.rule = rule
        self.network = network
        self.modulator = Neuromodulator(baseline: rule.baseline)
        self.probeStreams = probeStreams
        self.intrinsicStreams = intrinsicStreams
        let sizes = network.layerSizes
        updates = (0..<network.depth).map { LayerParameters(pre: sizes[$0], post: sizes[$0 + 1]) }
        switch rule.preset {
        case .weightPerturbation, .threeFactorWeightPerturbation, .evolutionStrategies:
            synaptic = SynapticNoise(sigma: rule.sigma, distribution: .gaussian)
        case .antitheticSPSA:
            synaptic = SynapticNoise(sigma: rule.sigma, distribution: .rademacher)
        case .threeFactorNodePerturbation:
            synaptic = nil
        }
    }

    /// Computes the update for one minibatch and applies it; returns the mean loss of the perturbed pass.
    @discardableResult
    public func step(input: Matrix, target: Matrix) throws -> Double {
        let loss = try computeUpdate(input: input, target: target)
        for l in 0..<network.depth {
            network.parameters[l].add(updates[l], scaledBy: 1)
        }
        return loss
    }

    /// Computes ``updates`` for one minibatch without applying them; returns the mean perturbed loss.
    @discardableResult
    public func computeUpdate(input: Matrix, target: Matrix) throws -> Double {
        let batch = input.rows
        try probeStreams.ensure(count: batch)
        try intrinsicStreams?.ensure(count: batch)
        let eta = rule.learningRate, sigma = rule.sigma, scale = 1 / Double(batch)
        switch rule.preset {
        case .weightPerturbation, .evolutionStrategies, .threeFactorWeightPerturbation:
            let synaptic = synaptic!
            synaptic.draw(for: network, batch: batch, streams: probeStreams, threads: noiseThreads)
            synaptic.sign = 1
            let output = network.forward(input, streams: intrinsicStreams, probe: .synapses(synaptic))
            rule.loss.evaluate(output: output, target: target, perInstance: &instanceLosses)
            modulator.broadcast(losses: instanceLosses, into: &modulation)
            if case .threeFactorWeightPerturbation(let variant) = rule.preset {
                hebbianUpdate(variant: variant, input: input, alpha: eta * scale / sigma)
            } else {
                let normalization = rule.preset == .evolutionStrategies ? sigma * sigma : sigma
                noiseCorrelationUpdate(alpha: eta * scale / normalization)
            }
        case .antitheticSPSA:
            let synaptic = synaptic!
            synaptic.draw(for: network, batch: batch, streams: probeStreams, threads: noiseThreads)
            synaptic.sign = 1
            rule.loss.evaluate(output: network.forward(input, streams: intrinsicStreams, probe: .synapses(synaptic)),
                               target: target, perInstance: &instanceLosses)
            synaptic.sign = -1
            rule.loss.evaluate(output: network.forward(input, streams: intrinsicStreams, probe: .synapses(synaptic)),
                               target: target, perInstance: &minusLosses)
            // M = (R⁺ − R⁻)/2 = (L⁻ − L⁺)/2; the reported loss is the mean of both passes.
            if modulation.count != batch { modulation = Array(repeating: 0, count: batch) }
            for n in 0..<batch {
                modulation[n] = (minusLosses[n] - instanceLosses[n]) / 2
                instanceLosses[n] = (instanceLosses[n] + minusLosses[n]) / 2
            }
            noiseCorrelationUpdate(alpha: eta * scale / (sigma * sigma))
        case .threeFactorNodePerturbation:
            network.forward(input, streams: intrinsicStreams)
            keepCleanPass()
            let output = network.forward(input, streams: intrinsicStreams, probe: .nodes(sigma: sigma, streams: probeStreams))
            rule.loss.evaluate(output: output, target: target, perInstance: &instanceLosses)
            modulator.broadcast(losses: instanceLosses, into: &modulation)
            nodePerturbationUpdate(input: input, alpha: eta * scale / (sigma * sigma))
        }
        return instanceLosses.reduce(0, +) * scale
    }

    /// ΔW_l = α Σ_n M⁽ⁿ⁾ ε_l⁽ⁿ⁾ as one GEMV per layer: (draws `[B × P]`)ᵀ · M.
    private func noiseCorrelationUpdate(alpha: Double) {
        for l in 0..<network.depth { noiseCorrelationUpdate(layer: l, alpha: alpha) }
    }

    private func noiseCorrelationUpdate(layer l: Int, alpha: Double) {
        let synaptic = synaptic!
        gemvTransposed(synaptic.weights[l], modulation, alpha: alpha, into: &updates[l].weights.storage)
        gemvTransposed(synaptic.biases[l], modulation, alpha: alpha, into: &updates[l].bias)
    }

    /// ΔW_ji = α Σ_n M⁽ⁿ⁾ · q_i⁽ⁿ⁾ · p_j⁽ⁿ⁾ · ε_ji⁽ⁿ⁾ with presynaptic factor q and postsynaptic factor p
    /// chosen by the variant; a fused pass over the stored draws (no GEMM form exists).
    private func hebbianUpdate(variant: HebbianVariant, input: Matrix, alpha: Double) {
        let synaptic = synaptic!
        let last = network.depth - 1
        for l in 0..<network.depth {
            if variant == .outputUnit && l == last {
                noiseCorrelationUpdate(layer: l, alpha: alpha)  // eligibility 1: plain weight perturbation
                continue
            }
            let usePost = variant != .sigmoidPost || network.populations[l].activation == .sigmoid
            let pre = l == 0 ? input : network.rates[l - 1]
            let post = network.rates[l]
            let preSize = pre.cols, postSize = post.cols, batch = pre.rows
            // Take the buffers out (no copy) so the loop below can write them while reading self.
            var dw: [Double] = [], db: [Double] = []
            swap(&dw, &updates[l].weights.storage)
            swap(&db, &updates[l].bias)
            let modulation = self.modulation
            synaptic.weights[l].storage.withUnsafeBufferPointer { e in
                synaptic.biases[l].storage.withUnsafeBufferPointer { eb in
                    pre.storage.withUnsafeBufferPointer { x in
                        post.storage.withUnsafeBufferPointer { y in
                            dw.withUnsafeMutableBufferPointer { w in
                                db.withUnsafeMutableBufferPointer { b in
                                    w.update(repeating: 0)
                                    b.update(repeating: 0)
                                    for n in 0..<batch {
                                        for j in 0..<postSize {
                                            var pj = usePost ? y[n * postSize + j] : 1
                                            if variant == .absolutePost { pj = abs(pj) }
                                            let c = alpha * modulation[n] * pj
                                            b[j] += c * eb[n * postSize + j]
                                            let row = n * postSize * preSize + j * preSize
                                            let xrow = n * preSize
                                            for i in 0..<preSize { w[j * preSize + i] += c * x[xrow + i] * e[row + i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&dw, &updates[l].weights.storage)
            swap(&db, &updates[l].bias)
        }
    }

    /// Copies the clean pass's rates and pre-activations into buffers kept across steps (the noisy
    /// pass overwrites the network's own).
    private func keepCleanPass() {
        if cleanRates.count != network.depth || cleanRates.first?.rows != network.rates.first?.rows {
            cleanRates = network.rates.map { Matrix(rows: $0.rows, cols: $0.cols) }
            cleanPre = cleanRates
            scratch = cleanRates
        }
        for l in 0..<network.depth {
            cleanRates[l].storage.withUnsafeMutableBufferPointer { out in
                network.rates[l].storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
            }
            cleanPre[l].storage.withUnsafeMutableBufferPointer { out in
                network.preActivations[l].storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
            }
        }
    }

    /// ΔW_l = α (M ⊙ g(a_l) ⊙ σξ_l)ᵀ a_{l−1} with clean a: one GEMM per layer.
    private func nodePerturbationUpdate(input: Matrix, alpha: Double) {
        for l in 0..<network.depth {
            let activation = network.populations[l].activation
            let width = network.populations[l].size
            let modulation = self.modulation
            scratch[l].storage.withUnsafeMutableBufferPointer { d in
                cleanRates[l].storage.withUnsafeBufferPointer { a in
                    cleanPre[l].storage.withUnsafeBufferPointer { z in
                        network.probeNoise[l].storage.withUnsafeBufferPointer { noise in
                            for n in 0..<input.rows {
                                let m = modulation[n]
                                for k in (n * width)..<((n + 1) * width) {
                                    d[k] = m * activation.derivative(output: a[k], preActivation: z[k])! * noise[k]
                                }
                            }
                        }
                    }
                }
            }
            let pre = l == 0 ? input : cleanRates[l - 1]
            Matrix.gemm(scratch[l], pre, transA: .transposed, alpha: alpha, into: &updates[l].weights)
            network.connectivity[l].apply(to: &updates[l].weights)
            for j in updates[l].bias.indices { updates[l].bias[j] = 0 }
            scratch[l].addColumnSums(scaledBy: alpha, into: &updates[l].bias)
        }
    }

    /// out ← α Aᵀ v for A `[B × P]`, v of length B.
    private func gemvTransposed(_ a: Matrix, _ v: [Double], alpha: Double, into out: inout [Double]) {
        precondition(a.rows == v.count && a.cols == out.count)
        a.storage.withUnsafeBufferPointer { pa in
            v.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer { po in
                    cblas_dgemv(CblasRowMajor, CblasTrans, Int32(a.rows), Int32(a.cols), alpha,
                                pa.baseAddress, Int32(a.cols), pv.baseAddress, 1, 0, po.baseAddress, 1)
                }
            }
        }
    }
}
