/// Eligibility traces per instance: one trace per (instance, projection, product), `[post·pre]`
/// synapses (and the biases after them when they learn). Environments keep one per environment
/// instance; minibatch steps with a trace kernel keep one per slot of the batch (slot n takes row n
/// of every minibatch).
extension PlasticityEngine {
    static func makeTraces(rule: PlasticityRule, terms: [LocalTerm?], network: Network, instances: Int,
                           dt: Double) throws -> [[[EligibilityTrace]]] {
        let sizes = network.layerSizes
        return try (0..<instances).map { _ in
            try terms.enumerated().map { l, term in
                let synapses = sizes[l] * sizes[l + 1] + (rule.plasticBiases ? sizes[l + 1] : 0)
                return try (term?.products ?? []).map { _ in
                    try EligibilityTrace(kernel: rule.trace, dt: dt, instances: 1, synapseCount: synapses)
                }
            }
        }
    }

    /// Minibatch steps with a trace kernel: every slot's traces decay one step, slots 0..<B take this
    /// batch's local terms, and U = Σ_p α_p Σ_n M⁽ⁿ⁾ e_p⁽ⁿ⁾ (M per output unit where the modulator
    /// has one) is written into ``updates``.
    func traceUpdates(input: Matrix, gain: Double) throws {
        let batch = input.rows
        if minibatchTraces.count < batch {
            minibatchTraces += try Self.makeTraces(rule: rule, terms: terms, network: network,
                                                   instances: batch - minibatchTraces.count, dt: 1)
        }
        for slot in minibatchTraces { for projection in slot { for trace in projection { trace.advance() } } }
        recordTraces(input, into: Array(minibatchTraces[0..<batch]))
        let perOutput = rule.modulator.source.perOutput
        for l in 0..<network.depth {
            guard let term = terms[l] else { continue }
            let post = updates[l].weights.rows, pre = updates[l].weights.cols
            updates[l].weights.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            for j in updates[l].bias.indices { updates[l].bias[j] = 0 }
            for (p, product) in term.products.enumerated() {
                let alpha = constant(product, layer: l, gain: gain)
                for n in 0..<batch {
                    minibatchTraces[n][l][p].withValues(instance: 0) { e in
                        for j in 0..<post {
                            let m = alpha * (perOutput ? modulation[n * post + j] : modulation[n])
                            guard m != 0 else { continue }
                            for i in 0..<pre { updates[l].weights.storage[j * pre + i] += m * e[j * pre + i] }
                            if rule.plasticBiases { updates[l].bias[j] += m * e[post * pre + j] }
                        }
                    }
                }
            }
        }
    }

    /// Adds each instance's local term (scaled by its instance factors) to its traces: instance n
    /// (row n of `observations`) to `traces[n]`.
    func recordTraces(_ observations: Matrix, into traces: [[[EligibilityTrace]]]) {
        let batch = observations.rows
        for l in 0..<network.depth {
            guard let term = terms[l] else { continue }
            let postWidth = network.populations[l].size, preWidth = network.source(ofProjection: l) < 0 ? observations.cols : network.populations[network.source(ofProjection: l)].size
            for (p, product) in term.products.enumerated() {
                let scales = instanceScales(of: product, batch: batch)
                let post = traceFactorProduct(product.post, population: l, input: observations)
                let pre = traceFactorProduct(product.pre, population: network.source(ofProjection: l), input: observations)
                let b0 = product.pre.reduce(1.0) { $0 * Self.alwaysOnValue($1) }
                for n in 0..<batch {
                    let scale = scales?[n] ?? 1
                    guard scale != 0 else { continue }
                    let trace = traces[n][l][p]
                    post.storage.withUnsafeBufferPointer { q in
                        pre.storage.withUnsafeBufferPointer { x in
                            let qn = UnsafeBufferPointer(rebasing: q[(n * postWidth)..<((n + 1) * postWidth)])
                            let xn = UnsafeBufferPointer(rebasing: x[(n * preWidth)..<((n + 1) * preWidth)])
                            if !product.tables.isEmpty {
                                addTableTerm(product, layer: l, instance: n, post: qn, pre: xn, biasPre: b0, scale: scale,
                                             input: observations, into: trace)
                            } else if product.readsPolicyGradient {
                                // The REINFORCE reference adds its gradient as backprop computed it: each
                                // product rounded once, then added (seed 004's code; not fused as cblas_dger).
                                var phi = [Double](repeating: 0, count: qn.count * xn.count)
                                for j in qn.indices { for i in xn.indices { phi[j * xn.count + i] = qn[j] * xn[i] } }
                                phi.withUnsafeBufferPointer { phi in
                                    trace.add(instance: 0, phi: phi, scale: scale)
                                }
                                if rule.plasticBiases, b0 != 0 {
                                    for j in 0..<postWidth { trace.add(instance: 0, synapse: postWidth * preWidth + j, phi: scale * b0 * qn[j]) }
                                }
                            } else if product.usesSynapticNoise {
                                addNoiseTerm(product, layer: l, instance: n, post: qn, pre: xn, biasPre: b0, scale: scale, into: trace)
                            } else {
                                trace.addOuter(instance: 0, post: qn, pre: xn, scale: scale)
                                if rule.plasticBiases, b0 != 0 {
                                    for j in 0..<postWidth { trace.add(instance: 0, synapse: postWidth * preWidth + j, phi: scale * b0 * qn[j]) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// φ_ji = (Π post)_j (Π pre)_i ε_ji (ε to its power), and the biases' terms, into one trace.
    private func addNoiseTerm(_ product: LocalTerm.Product, layer l: Int, instance n: Int, post: UnsafeBufferPointer<Double>,
                              pre: UnsafeBufferPointer<Double>, biasPre: Double, scale: Double, into trace: EligibilityTrace) {
        let synaptic = synaptic!, power = product.noiseCount
        let biases = synaptic.biases[l]
        func eps(_ v: Double) -> Double { var r = v; for _ in 1..<power { r *= v }; return r }
        for j in post.indices {
            for i in pre.indices {
                let e = synaptic.weightDraw(layer: l, instance: n, index: j * pre.count + i)
                trace.add(instance: 0, synapse: j * pre.count + i, phi: scale * post[j] * pre[i] * eps(e))
            }
            if rule.plasticBiases, biasPre != 0 {
                trace.add(instance: 0, synapse: post.count * pre.count + j, phi: scale * post[j] * biasPre * eps(biases[n, j]))
            }
        }
    }

    /// φ_ji = Σ_ab r_ab (Π post)_j 1[s_j = b] (Π pre)_i 1[s_i = a] into one trace (biases: a = 1).
    private func addTableTerm(_ product: LocalTerm.Product, layer l: Int, instance n: Int, post: UnsafeBufferPointer<Double>,
                              pre: UnsafeBufferPointer<Double>, biasPre: Double, scale: Double, input: Matrix,
                              into trace: EligibilityTrace) {
        let table = rule.tables[product.tables[0]]!.entries
        let firedPre = signal(.init(.fired), population: network.source(ofProjection: l), input: input)
        let firedPost = signal(.init(.fired), population: l, input: input)
        for b in 0...1 {
            let q = post.indices.map { j in post[j] * (b == 1 ? firedPost[n, j] : 1 - firedPost[n, j]) }
            for a in 0...1 where table[a][b] != 0 {
                let x = pre.indices.map { i in pre[i] * (a == 1 ? firedPre[n, i] : 1 - firedPre[n, i]) }
                q.withUnsafeBufferPointer { qp in
                    x.withUnsafeBufferPointer { xp in trace.addOuter(instance: 0, post: qp, pre: xp, scale: scale * table[a][b]) }
                }
            }
            if rule.plasticBiases, biasPre != 0, table[1][b] != 0 {
                for j in q.indices { trace.add(instance: 0, synapse: q.count * pre.count + j, phi: scale * table[1][b] * biasPre * q[j]) }
            }
        }
    }

    /// `[B × width]`: a product of factors for trace input (all ones if none).
    private func traceFactorProduct(_ factors: [LocalTerm.NeuronFactor], population: Int, input: Matrix) -> Matrix {
        if factors.count == 1 { return signal(factors[0], population: population, input: input) }
        let width = population < 0 ? input.cols : network.populations[population].size
        var out = Matrix(rows: input.rows, cols: width, value: 1)
        for f in factors { out.multiplyElementwise(by: signal(f, population: population, input: input)) }
        return out
    }

}
