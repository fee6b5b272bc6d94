/// The plasticity engine's immediate minibatch path in one precision (docs/precision.md): the
/// float32 mode of ``PlasticityEngine`` runs its steps here, in `Float`.
///
/// The step is ``PlasticityEngine/computeUpdate(input:target:)``'s on the immediate path, shape for
/// shape and operation for operation, through ``NeuromodScalar``: in `Double` it gives exactly the
/// float64 engine's updates and weights (tested), in `Float` the same computation in single
/// precision. The rule's probe is drawn in float64 by the engine's ``SynapticNoise`` (or the node
/// probe's streams) and rounded to nearest, so both precisions see the same noise up to that
/// rounding; losses and the modulation M stay `Double`, as do the engine's ``PlasticityEngine/updates``
/// (widened, exact) and the network's parameters (the float weights, widened after every step).
///
/// Scope (``refusal(rule:network:environments:)``): SGD, additive, the immediate trace, the
/// ideal device, a synaptic (not antithetic) or node probe, a modulator with one M per instance, and
/// per product one of three shapes — φ = ε (WP), φ = pre · (M·g′)·f (3F-NP), φ = pre · post · ε (3F-WP).
final class PrecisionStep<Scalar: NeuromodScalar> {
    let pass: FeedforwardPass<Scalar>
    let draws: SynapticDraws<Scalar>?
    private var output = Matrix(rows: 0, cols: 0)
    private var cleanRates: [DenseMatrix<Scalar>] = []
    private var cleanPre: [DenseMatrix<Scalar>] = []
    /// Per projection, the change of the last step (η·U).
    private var updateWeights: [DenseMatrix<Scalar>]
    private var updateBiases: [[Scalar]]
    /// M⁽ⁿ⁾ in this precision (the GEMV and sign-sum shapes read it as a vector).
    private var modulation: [Scalar] = []
    /// Σ_n s⁽ⁿ⁾ M⁽ⁿ⁾ of a Rademacher probe's update (the widest projection's size).
    private var signSums: [Scalar] = []
    /// A row of ±σ for the fused shape without presynaptic factors.
    private var expanded: [Scalar] = []
    /// Per projection, `[B × post]`: M times the postsynaptic factors.
    private var postScratch: [DenseMatrix<Scalar>]

    /// Binds to `engine`'s network and probe (call ``refusal(rule:network:environments:)`` first).
    init(engine: PlasticityEngine) {
        pass = FeedforwardPass(network: engine.network)
        draws = engine.synaptic.map { SynapticDraws($0) }
        updateWeights = pass.weights.map { DenseMatrix<Scalar>(rows: $0.rows, cols: $0.cols) }
        updateBiases = pass.biases.map { Array(repeating: 0, count: $0.count) }
        postScratch = pass.populations.map { DenseMatrix<Scalar>(rows: 0, cols: $0.size) }
    }

    /// Why `rule` cannot run on `network` in float32 (nil: it can), in one line.
    static func refusal(rule: PlasticityRule, network: Network, environments: Bool) -> String? {
        if environments { return "precision float32 runs minibatch steps, not environments" }
        if let why = Precision.networkRefusal(network) { return why }
        return ruleRefusal(rule, environments: environments)
    }

    /// Why `rule` cannot run in float32 (nil: it can), whatever the network.
    static func ruleRefusal(_ rule: PlasticityRule, environments: Bool) -> String? {
        guard case .sgd = rule.optimizer else { return "precision float32 needs the sgd optimizer" }
        guard rule.update == .additive else { return "precision float32 needs additive updates" }
        guard rule.trace == .immediate else { return "precision float32 needs the immediate trace (no eligibility traces)" }
        if rule.modulator.source.perOutput { return "precision float32 needs one modulator per instance (not per output)" }
        switch rule.probe {
        case .synapses(_, _, let antithetic):
            if antithetic { return "precision float32 does not run antithetic probes" }
        case .nodes: break
        case .none, .intrinsic: return "precision float32 needs a synaptic or node probe (WP, 3F-WP, 3F-NP)"
        }
        for selected in rule.local {
            for product in selected.term.products {
                if let why = productRefusal(product, probe: rule.probe) { return why }
            }
        }
        return nil
    }

    /// Whether a product is one of the three shapes this path computes.
    private static func productRefusal(_ product: LocalTerm.Product, probe: Probe) -> String? {
        let why = "precision float32 runs the WP, 3F-WP and 3F-NP term shapes only"
        guard product.tables.isEmpty, product.instance.isEmpty else { return why }
        func held(_ f: LocalTerm.NeuronFactor) -> Bool {
            guard !f.absolute else { return false }
            switch f.signal {
            case .rate, .cleanRate, .drive, .cleanDrive: return true
            case .noise: if case .nodes = probe { return true } else { return false }
            default: return false
            }
        }
        switch product.noiseCount {
        case 0:  // pre · (M · g′) · f
            guard case .nodes = probe, product.pre.count == 1, held(product.pre[0]), (1...2).contains(product.post.count),
                  !product.post[0].absolute, product.post[0].signal == .derivative || product.post[0].signal == .cleanDerivative,
                  product.post.count == 1 || held(product.post[1]) else { return why }
        case 1:  // ε, or pre · post · ε
            guard case .synapses = probe, product.pre.count <= 1, product.post.count <= 1,
                  product.pre.allSatisfy(held), product.post.allSatisfy(held) else { return why }
        default: return why
        }
        return nil
    }

    /// ``PlasticityEngine/computeUpdate(input:target:)`` in this precision; returns the mean probed loss.
    func computeUpdate(engine e: PlasticityEngine, input x: Matrix, target: Matrix) throws -> Double {
        let batch = x.rows
        try e.probeStreams.ensure(count: batch)
        if Scalar.self == Float.self, let why = Precision.threadRefusal() { throw NetworkError.unsupported(why) }
        guard e.device is IdealSynapses else { throw NetworkError.unsupported("precision float32 needs the ideal device") }
        pass.load(from: e.network)
        pass.setInput(x)
        switch e.rule.probe {
        case .synapses:
            let draws = draws!
            if draws.noise.distribution == .gaussian {
                draws.drawGaussian(layerSizes: e.network.layerSizes, batch: batch, streams: e.probeStreams, threads: e.noiseThreads)
            } else {
                e.synaptic!.draw(for: e.network, batch: batch, streams: e.probeStreams, threads: e.noiseThreads)
                draws.take()
            }
            if e.termsNeedCleanPass { pass.forward(); keepCleanPass() }
            draws.sign = 1
            pass.forward(probe: (draws, nil))
        case .nodes(let sigma, let site):
            pass.forward()
            keepCleanPass()
            pass.forward(probe: (nil, NodeProbe(sigma: sigma, site: site, streams: e.probeStreams)))
        case .none, .intrinsic:
            preconditionFailure("refused when the engine was built")
        }
        FeedforwardPass<Scalar>.widen(pass.output, into: &output)
        e.rule.loss.evaluate(output: output, target: target, perInstance: &e.instanceLosses)
        e.modulate(output: output, target: target)
        let scale = e.rule.reduction == .mean ? 1 / Double(batch) : 1
        guard case .sgd(let eta) = e.rule.optimizer else { preconditionFailure("refused when the engine was built") }
        e.silent = PlasticityEngine.allZero(e.modulation)
        if modulation.count != batch { modulation = Array(repeating: 0, count: batch) }
        for n in 0..<batch { modulation[n] = Scalar(e.modulation[n]) }
        for l in 0..<pass.depth {
            guard let term = e.terms[l] else { continue }
            if e.silent {
                updateWeights[l].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                for j in updateBiases[l].indices { updateBiases[l][j] = 0 }
            } else {
                for p in term.products.indices {
                    let product = term.products[p]
                    accumulate(product, layer: l, engine: e, alpha: e.constant(product, layer: l, gain: eta * scale), first: p == 0)
                }
                if !e.rule.plasticBiases { for j in updateBiases[l].indices { updateBiases[l][j] = 0 } }
            }
            FeedforwardPass<Scalar>.widen(updateWeights[l].storage, into: &e.updates[l].weights.storage)
            FeedforwardPass<Scalar>.widen(updateBiases[l], into: &e.updates[l].bias)
        }
        return PlasticityEngine.sum(e.instanceLosses) * (1 / Double(batch))
    }

    /// The ideal device's write w ← w + Δw in this precision, then the weights into the network.
    func apply(engine e: PlasticityEngine) {
        if e.silent { return }
        for l in 0..<pass.depth where e.terms[l] != nil {
            pass.weights[l].add(updateWeights[l], scaledBy: 1)
            for j in pass.biases[l].indices { pass.biases[l][j] += 1 * updateBiases[l][j] }
        }
        pass.store(into: e.network)
    }

    /// Keeps the clean pass's rates and pre-activations for the probed pass that follows: exchanged
    /// with the pass's buffers, without a copy (the probed pass rewrites every element).
    private func keepCleanPass() {
        if cleanRates.count != pass.depth || cleanRates[0].rows != pass.rates[0].rows {
            cleanRates = pass.rates.map { DenseMatrix<Scalar>(rows: $0.rows, cols: $0.cols) }
            cleanPre = cleanRates
        }
        pass.exchangeState(rates: &cleanRates, preActivations: &cleanPre)
    }

    /// The matrix a held factor reads (population −1: the input).
    private func held(_ signal: LocalTerm.Signal, population p: Int) -> DenseMatrix<Scalar> {
        switch signal {
        case .rate: return p < 0 ? pass.input : pass.rates[p]
        case .drive: return p < 0 ? pass.input : pass.preActivations[p]
        case .cleanRate: return p < 0 ? pass.input : cleanRates[p]
        case .cleanDrive: return p < 0 ? pass.input : cleanPre[p]
        case .noise: return pass.probeNoise[p]
        default: preconditionFailure("refused when the engine was built")
        }
    }

    /// Adds α Σ_n M⁽ⁿ⁾ φ⁽ⁿ⁾ of one product into the update of projection l (overwriting when `first`).
    private func accumulate(_ product: LocalTerm.Product, layer l: Int, engine e: PlasticityEngine, alpha: Double, first: Bool) {
        if product.noiseCount == 1 && product.pre.isEmpty && product.post.isEmpty {
            let draws = draws!
            if draws.noise.distribution == .rademacher {
                signUpdate(draws, layer: l, alpha: alpha, first: first)
            } else {
                gemvTransposed(draws.weights[l], alpha: alpha, beta: first ? 0 : 1, into: &updateWeights[l].storage)
            }
            gemvTransposed(draws.biases[l], alpha: alpha, beta: first ? 0 : 1, into: &updateBiases[l])
        } else if product.noiseCount == 0 {
            outerProductUpdate(product, layer: l, engine: e, alpha: alpha, first: first)
        } else {
            fusedUpdate(product, layer: l, engine: e, alpha: alpha, first: first)
        }
    }

    /// out ← α Aᵀ M + β out for A `[B × P]`.
    private func gemvTransposed(_ a: DenseMatrix<Scalar>, alpha: Double, beta: Scalar, into out: inout [Scalar]) {
        precondition(a.rows == modulation.count && a.cols == out.count)
        a.storage.withUnsafeBufferPointer { pa in
            modulation.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer { po in
                    Scalar.gemv(.transposed, m: a.rows, n: a.cols, alpha: Scalar(alpha), pa.baseAddress!, lda: a.cols,
                                pv.baseAddress!, beta: beta, po.baseAddress!)
                }
            }
        }
    }

    /// ΔW_k ← α·σ·Σ_n s⁽ⁿ⁾_k M⁽ⁿ⁾ (+ ΔW_k unless `first`) from the bit-packed signs.
    private func signUpdate(_ draws: SynapticDraws<Scalar>, layer l: Int, alpha: Double, first: Bool) {
        let count = updateWeights[l].storage.count, batch = modulation.count
        let scale = Scalar(alpha * draws.noise.sigma)
        if signSums.count < count { signSums = Array(repeating: 0, count: count) }
        draws.noise.signs[l].withUnsafeBufferPointer { bits in
            modulation.withUnsafeBufferPointer { m in
                signSums.withUnsafeMutableBufferPointer { acc in
                    RademacherKernels.modulatedSum(bits.baseAddress!, rowWords: draws.noise.signWords[l], count: count,
                                                   modulation: m.baseAddress!, batch: batch, into: acc.baseAddress!,
                                                   table: Scalar.signTable)
                    updateWeights[l].storage.withUnsafeMutableBufferPointer { w in
                        if first { for k in 0..<count { w[k] = scale * acc[k] } } else { for k in 0..<count { w[k] += scale * acc[k] } }
                    }
                }
            }
        }
    }

    /// Projection l's `[B × post]` buffer, sized for `rows` instances.
    private func takeScratch(_ l: Int, rows: Int) -> DenseMatrix<Scalar> {
        var d = DenseMatrix<Scalar>(rows: 0, cols: 0)
        swap(&d, &postScratch[l])
        if d.rows != rows { d = DenseMatrix<Scalar>(rows: rows, cols: pass.populations[l].size) }
        return d
    }

    /// The node-perturbation shape: ΔW += α (M · g′ · f)ᵀ pre; Δb += α·b₀ Σ_n (M · g′ · f).
    private func outerProductUpdate(_ product: LocalTerm.Product, layer l: Int, engine e: PlasticityEngine, alpha: Double, first: Bool) {
        var d = takeScratch(l, rows: pass.input.rows)
        defer { postScratch[l] = d }
        let clean = product.post[0].signal == .cleanDerivative
        let a = clean ? cleanRates[l] : pass.rates[l], z = clean ? cleanPre[l] : pass.preActivations[l]
        let hasFactor = product.post.count == 2
        let f = hasFactor ? held(product.post[1].signal, population: l).storage : []
        let activation = pass.populations[l].activation, width = d.cols, kernels = KernelTable.current
        d.storage.withUnsafeMutableBufferPointer { out in
            a.storage.withUnsafeBufferPointer { a in
                z.storage.withUnsafeBufferPointer { z in
                    for n in 0..<d.rows {
                        let m = Scalar(e.modulation[n]), range = (n * width)..<((n + 1) * width)
                        let row = UnsafeMutableBufferPointer(rebasing: out[range])
                        if hasFactor {
                            f.withUnsafeBufferPointer { f in
                                Scalar.scaledDerivative(kernels, activation, scale: m, output: UnsafeBufferPointer(rebasing: a[range]),
                                                        preActivation: UnsafeBufferPointer(rebasing: z[range]),
                                                        factor: UnsafeBufferPointer(rebasing: f[range]), into: row)
                            }
                        } else {
                            Scalar.scaledDerivative(kernels, activation, scale: m, output: UnsafeBufferPointer(rebasing: a[range]),
                                                    preActivation: UnsafeBufferPointer(rebasing: z[range]), factor: nil, into: row)
                        }
                    }
                }
            }
        }
        let pre = held(product.pre[0].signal, population: l - 1)
        DenseMatrix.gemm(d, pre, transA: .transposed, alpha: Scalar(alpha), beta: first ? 0 : 1, into: &updateWeights[l])
        if first { for j in updateBiases[l].indices { updateBiases[l][j] = 0 } }
        let b0 = PlasticityEngine.alwaysOnProduct(product.pre)
        if b0 != 0 { d.addColumnSums(scaledBy: Scalar(alpha * b0), into: &updateBiases[l]) }
    }

    /// The 3F-WP shape: ΔW_ji += Σ_n (α M⁽ⁿ⁾ post_j) · pre_i · ε_ji in one pass over the draws.
    private func fusedUpdate(_ product: LocalTerm.Product, layer l: Int, engine e: PlasticityEngine, alpha: Double, first: Bool) {
        let draws = draws!
        var c = takeScratch(l, rows: pass.input.rows)
        defer { postScratch[l] = c }
        let batch = pass.input.rows, postSize = updateWeights[l].rows, preSize = updateWeights[l].cols
        c.storage.withUnsafeMutableBufferPointer { out in
            for n in 0..<batch {
                let m = Scalar(alpha * e.modulation[n])
                for k in (n * postSize)..<((n + 1) * postSize) { out[k] = m }
            }
            if !product.post.isEmpty {
                held(product.post[0].signal, population: l).storage.withUnsafeBufferPointer { f in
                    Scalar.multiply(KernelTable.current, out, by: f)
                }
            }
        }
        let hasX = !product.pre.isEmpty
        let b0 = PlasticityEngine.alwaysOnProduct(product.pre)
        let rademacher = draws.noise.distribution == .rademacher
        let rowWords = rademacher ? draws.noise.signWords[l] : 0
        if rademacher && !hasX && expanded.count < preSize { expanded = Array(repeating: 0, count: preSize) }
        let kernels = KernelTable.current, table = Scalar.signTable, sigma = draws.sigma
        let signs = rademacher ? draws.noise.signs[l] : []
        let stored = rademacher ? [] : draws.weights[l].storage
        let xs = hasX ? held(product.pre[0].signal, population: l - 1).storage : []
        signs.withUnsafeBufferPointer { bits in
            stored.withUnsafeBufferPointer { stored in
                expanded.withUnsafeMutableBufferPointer { expanded in
                    draws.biases[l].storage.withUnsafeBufferPointer { eb in
                        c.storage.withUnsafeBufferPointer { cp in
                            xs.withUnsafeBufferPointer { xp in
                                updateWeights[l].storage.withUnsafeMutableBufferPointer { w in
                                    updateBiases[l].withUnsafeMutableBufferPointer { b in
                                        if first { w.update(repeating: 0); b.update(repeating: 0) }
                                        for n in 0..<batch {
                                            for j in 0..<postSize {
                                                let cj = cp[n * postSize + j]
                                                if b0 != 0 { b[j] += (b0 == 1 ? cj : cj * Scalar(b0)) * eb[n * postSize + j] }
                                                let wj = UnsafeMutableBufferPointer(rebasing: w[(j * preSize)..<((j + 1) * preSize)])
                                                let xn = hasX ? UnsafeBufferPointer(rebasing: xp[(n * preSize)..<((n + 1) * preSize)]) : nil
                                                if rademacher, let xn {
                                                    RademacherKernels.scaledSignedAdd(
                                                        bits.baseAddress! + n * rowWords, bitOffset: j * preSize, xn.baseAddress!,
                                                        scale: cj, sigma: sigma, mask: nil, count: preSize,
                                                        into: wj.baseAddress!, table: table)
                                                } else if rademacher {
                                                    RademacherKernels.expand(bits.baseAddress! + n * rowWords, bitOffset: j * preSize,
                                                                             count: preSize, sigma: sigma, mask: nil, into: expanded.baseAddress!)
                                                    Scalar.accumulateProduct(kernels, wj, cj, nil,
                                                                             UnsafeBufferPointer(rebasing: expanded[0..<preSize]))
                                                } else {
                                                    let row = n * postSize * preSize + j * preSize
                                                    Scalar.accumulateProduct(kernels, wj, cj, xn,
                                                                             UnsafeBufferPointer(rebasing: stored[row..<(row + preSize)]))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
