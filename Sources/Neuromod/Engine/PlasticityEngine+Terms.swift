import CGSL

/// The factor values a step's terms read, `[instances × neurons]` per (population, signal, |·|),
/// computed at most once per step and kept across steps (no reallocation at a fixed batch size).
struct SignalCache {
    private var values: [Matrix?] = []
    private var computedAt: [Int] = []
    private var generation = 0

    /// Starts a new step: every value is stale.
    mutating func invalidate() { generation += 1 }

    private static let signals = LocalTerm.Signal.allCases

    private static func index(population: Int, signal: LocalTerm.Signal, absolute: Bool) -> Int {
        ((population + 1) * signals.count + signals.firstIndex(of: signal)!) * 2 + (absolute ? 1 : 0)
    }

    mutating func value(population: Int, signal: LocalTerm.Signal, absolute: Bool, rows: Int, cols: Int,
                        fill: (inout Matrix) -> Void) -> Matrix {
        let i = Self.index(population: population, signal: signal, absolute: absolute)
        if i >= values.count {
            values += Array(repeating: nil, count: i + 1 - values.count)
            computedAt += Array(repeating: -1, count: i + 1 - computedAt.count)
        }
        if computedAt[i] == generation, let m = values[i] { return m }
        var m = values[i] ?? Matrix(rows: rows, cols: cols)
        values[i] = nil  // unshared while it is filled
        if m.rows != rows || m.cols != cols { m = Matrix(rows: rows, cols: cols) }
        fill(&m)
        values[i] = m
        computedAt[i] = generation
        return m
    }
}

extension PlasticityEngine {
    /// Adds α Σ_n M⁽ⁿ⁾ φ⁽ⁿ⁾ of one product into ``updates``[l] (overwriting when `first`). Three
    /// shapes, chosen from the factors:
    /// - φ = ε: one GEMV per projection, (ε `[B × P]`)ᵀ M;
    /// - φ = (pre factors)_i · (post factors)_j: one GEMM, (M ⊙ post)ᵀ pre; biases take the
    ///   column sums times the always-on unit's pre factor;
    /// - anything else (ε with pre or post factors): one fused pass over the stored draws.
    func accumulate(_ product: LocalTerm.Product, layer l: Int, input: Matrix, alpha: Double, first: Bool) {
        let noiseCount = product.noiseCount
        if noiseCount == 1 && product.pre.isEmpty && product.post.isEmpty && product.instance.isEmpty
            && !rule.modulator.source.perOutput {
            let synaptic = synaptic!
            if synaptic.distribution == .rademacher {
                signUpdate(synaptic, layer: l, alpha: alpha, first: first)
            } else {
                gemvTransposed(synaptic.weights[l], modulation, alpha: alpha, beta: first ? 0 : 1, into: &updates[l].weights.storage)
            }
            gemvTransposed(synaptic.biases[l], modulation, alpha: alpha, beta: first ? 0 : 1, into: &updates[l].bias)
        } else if !product.tables.isEmpty {
            tableUpdate(product, layer: l, input: input, alpha: alpha, first: first)
        } else if noiseCount == 0 {
            outerProductUpdate(product, layer: l, input: input, alpha: alpha, first: first)
        } else {
            fusedUpdate(product, layer: l, input: input, alpha: alpha, first: first, noiseCount: noiseCount)
        }
    }

    /// ΔW_k ← α·σ·Σ_n s⁽ⁿ⁾_k M⁽ⁿ⁾ (+ ΔW_k unless `first`) from the bit-packed signs ε = ±σ: the φ = ε
    /// shape without materializing ε (`RademacherKernels.modulatedSum`).
    private func signUpdate(_ synaptic: SynapticNoise, layer l: Int, alpha: Double, first: Bool) {
        let count = updates[l].weights.storage.count, batch = modulation.count, scale = alpha * synaptic.sigma
        if signSums.count < count { signSums = Array(repeating: 0, count: count) }
        var sums: [Double] = []  // the scratch, moved out and back (no copy)
        swap(&sums, &signSums)
        defer { swap(&sums, &signSums) }
        synaptic.signs[l].withUnsafeBufferPointer { bits in
            modulation.withUnsafeBufferPointer { m in
                sums.withUnsafeMutableBufferPointer { acc in
                    RademacherKernels.modulatedSum(bits.baseAddress!, rowWords: synaptic.signWords[l], count: count,
                                                   modulation: m.baseAddress!, batch: batch, into: acc.baseAddress!,
                                                   table: RademacherKernels.table)
                }
            }
        }
        updates[l].weights.storage.withUnsafeMutableBufferPointer { w in
            if first { for k in 0..<count { w[k] = scale * sums[k] } } else { for k in 0..<count { w[k] += scale * sums[k] } }
        }
    }

    /// ΔW += α (M ⊙ Π post)ᵀ (Π pre); Δb += α·b₀ Σ_n (M ⊙ Π post).
    private func outerProductUpdate(_ product: LocalTerm.Product, layer l: Int, input: Matrix, alpha: Double, first: Bool) {
        var d = takeScratch(l, rows: input.rows)
        modulatedPost(product, layer: l, input: input, into: &d)
        let pre = factorProduct(product.pre, population: network.source(ofProjection: l), input: input)
        Matrix.gemm(d, pre, transA: .transposed, alpha: alpha, beta: first ? 0 : 1, into: &updates[l].weights)
        if first { for j in updates[l].bias.indices { updates[l].bias[j] = 0 } }
        let b0 = Self.alwaysOnProduct(product.pre)
        if b0 != 0 { d.addColumnSums(scaledBy: alpha * b0, into: &updates[l].bias) }
        postScratch[l] = d
    }

    /// ΔW += α Σ_ab r_ab (M ⊙ Π post ⊙ 1[s_j = b])ᵀ (Π pre ⊙ 1[s_i = a]): the table term as one GEMM per
    /// entry (s: whether the neuron fired, the one-round history of a feedforward pass); a bias's unit
    /// always fires (a = 1).
    private func tableUpdate(_ product: LocalTerm.Product, layer l: Int, input: Matrix, alpha: Double, first: Bool) {
        let table = rule.tables[product.tables[0]]!.entries, source = network.source(ofProjection: l)
        var d = takeScratch(l, rows: input.rows)
        modulatedPost(product, layer: l, input: input, into: &d)
        let pre = factorProduct(product.pre, population: source, input: input)
        let firedPre = signal(.init(.fired), population: source, input: input)
        let firedPost = signal(.init(.fired), population: l, input: input)
        if first {
            updates[l].weights.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            for j in updates[l].bias.indices { updates[l].bias[j] = 0 }
        }
        let b0 = Self.alwaysOnProduct(product.pre)
        func masked(_ m: Matrix, by fired: Matrix, firing: Int) -> Matrix {
            var out = m
            for k in out.storage.indices { out.storage[k] *= firing == 1 ? fired.storage[k] : 1 - fired.storage[k] }
            return out
        }
        for b in 0...1 {
            let db = masked(d, by: firedPost, firing: b)
            for a in 0...1 where table[a][b] != 0 {
                Matrix.gemm(db, masked(pre, by: firedPre, firing: a), transA: .transposed, alpha: alpha * table[a][b], beta: 1,
                            into: &updates[l].weights)
            }
            if table[1][b] != 0, b0 != 0 { db.addColumnSums(scaledBy: alpha * table[1][b] * b0, into: &updates[l].bias) }
        }
        postScratch[l] = d
    }

    /// Projection l's `[B × post]` buffer, taken out of the engine so it can be written while the
    /// engine is read (put it back with `postScratch[l] = …`).
    private func takeScratch(_ l: Int, rows: Int) -> Matrix {
        if postScratch.count != network.depth { postScratch = Array(repeating: Matrix(rows: 0, cols: 0), count: network.depth) }
        var d = Matrix(rows: 0, cols: 0)
        swap(&d, &postScratch[l])
        if d.rows != rows || d.cols != network.populations[l].size { d = Matrix(rows: rows, cols: network.populations[l].size) }
        return d
    }

    /// ΔW_ji += Σ_n (α M⁽ⁿ⁾ Π post_j) · Π pre_i · ε_ji (the ε factors of instance n), in one pass.
    ///
    /// Rademacher draws are read from the bits row by row as ε_j· = ±σ (times the mask): the common
    /// shape (ε once, with pre factors) by `RademacherKernels.scaledSignedAdd`,
    /// the others through a `pre`-long expanded row; both compute the arithmetic of the stored-draw loop.
    private func fusedUpdate(_ product: LocalTerm.Product, layer l: Int, input: Matrix, alpha: Double, first: Bool,
                             noiseCount: Int) {
        let synaptic = synaptic!
        var c = takeScratch(l, rows: input.rows)
        modulatedPost(product, layer: l, input: input, alpha: alpha, into: &c)
        defer { postScratch[l] = c }
        let x = product.pre.isEmpty ? nil : factorProduct(product.pre, population: network.source(ofProjection: l), input: input)
        let b0 = Self.alwaysOnProduct(product.pre)
        let batch = input.rows, postSize = updates[l].weights.rows, preSize = updates[l].weights.cols
        let rademacher = synaptic.distribution == .rademacher
        let stored = rademacher ? [] : synaptic.weights[l].storage
        let signs = rademacher ? synaptic.signs[l] : [], rowWords = rademacher ? synaptic.signWords[l] : 0
        let mask = rademacher ? synaptic.masks[l] : nil
        // A row of ±σ only where the kernel below cannot read the bits directly (ε², or no x).
        var expanded = [Double](repeating: 0, count: rademacher && (noiseCount != 1 || x == nil) ? preSize : 0)
        var dw: [Double] = [], db: [Double] = []
        swap(&dw, &updates[l].weights.storage)
        swap(&db, &updates[l].bias)
        func power(_ v: Double) -> Double { var p = v; for _ in 1..<noiseCount { p *= v }; return p }
        let xs = x?.storage ?? []
        let table = RademacherKernels.table, kernels = KernelTable.current
        stored.withUnsafeBufferPointer { stored in
            signs.withUnsafeBufferPointer { bits in
                withOptionalPointer(mask) { mask in
                    expanded.withUnsafeMutableBufferPointer { expanded in
                        synaptic.biases[l].storage.withUnsafeBufferPointer { eb in
                            c.storage.withUnsafeBufferPointer { cp in
                                xs.withUnsafeBufferPointer { xp in
                                    dw.withUnsafeMutableBufferPointer { w in
                                        db.withUnsafeMutableBufferPointer { b in
                                            if first { w.update(repeating: 0); b.update(repeating: 0) }
                                            for n in 0..<batch {
                                                for j in 0..<postSize {
                                                    let cj = cp[n * postSize + j]
                                                    if b0 != 0 {
                                                        let e0 = eb[n * postSize + j]
                                                        b[j] += (b0 == 1 ? cj : cj * b0) * (noiseCount == 1 ? e0 : power(e0))
                                                    }
                                                    if rademacher && noiseCount == 1 && x != nil {
                                                        RademacherKernels.scaledSignedAdd(
                                                            bits.baseAddress! + n * rowWords, bitOffset: j * preSize,
                                                            xp.baseAddress! + n * preSize, scale: cj, sigma: synaptic.sigma,
                                                            mask: mask.map { $0 + j * preSize }, count: preSize,
                                                            into: w.baseAddress! + j * preSize, table: table)
                                                        continue
                                                    }
                                                    let e: UnsafeBufferPointer<Double>, row: Int
                                                    if rademacher {
                                                        RademacherKernels.expand(bits.baseAddress! + n * rowWords, bitOffset: j * preSize,
                                                                                 count: preSize, sigma: synaptic.sigma,
                                                                                 mask: mask.map { $0 + j * preSize }, into: expanded.baseAddress!)
                                                        (e, row) = (UnsafeBufferPointer(expanded), 0)
                                                    } else {
                                                        (e, row) = (stored, n * postSize * preSize + j * preSize)
                                                    }
                                                    if noiseCount == 1 {
                                                        // The 3F-WP shape: one kernel pass, w_j += (c_j·x)·ε_j.
                                                        let wj = UnsafeMutableBufferPointer(rebasing: w[(j * preSize)..<((j + 1) * preSize)])
                                                        let ej = UnsafeBufferPointer(rebasing: e[row..<(row + preSize)])
                                                        let xn = x == nil ? nil : UnsafeBufferPointer(rebasing: xp[(n * preSize)..<((n + 1) * preSize)])
                                                        kernels.accumulateProduct(wj, cj, xn, ej)
                                                    } else if x != nil {
                                                        let xrow = n * preSize
                                                        for i in 0..<preSize { w[j * preSize + i] += cj * xp[xrow + i] * power(e[row + i]) }
                                                    } else {
                                                        for i in 0..<preSize { w[j * preSize + i] += cj * power(e[row + i]) }
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
        swap(&dw, &updates[l].weights.storage)
        swap(&db, &updates[l].bias)
    }

    /// `[B × post]`: (α·)M⁽ⁿ⁾ times the post factors, multiplied left to right.
    private func modulatedPost(_ product: LocalTerm.Product, layer l: Int, input: Matrix, alpha: Double? = nil,
                               into d: inout Matrix) {
        let width = network.populations[l].size, batch = input.rows
        let scales = instanceScales(of: product, batch: batch)
        let perOutput = rule.modulator.source.perOutput
        if scales == nil, !perOutput, modulatedDerivative(product, layer: l, input: input, alpha: alpha, into: &d) { return }
        // Up to two factors without an array of them (a step allocates nothing); more are rare.
        let post = product.post
        let first = post.count > 0 ? signal(post[0], population: l, input: input) : nil
        let second = post.count > 1 ? signal(post[1], population: l, input: input) : nil
        let rest = post.count > 2 ? post[2...].map { signal($0, population: l, input: input) } : []
        d.storage.withUnsafeMutableBufferPointer { out in
            modulation.withUnsafeBufferPointer { modulation in
                for n in 0..<batch {
                    for k in (n * width)..<((n + 1) * width) {
                        let mk = perOutput ? modulation[k] : modulation[n]
                        var m = alpha.map { $0 * mk } ?? mk
                        if let scales { m *= scales[n] }
                        out[k] = m
                    }
                }
            }
            // One pass per factor, left to right: ((M · f₁) · f₂) · …
            let kernels = KernelTable.current
            switch (first, second) {
            case (nil, _): break
            case (let f0?, nil): f0.storage.withUnsafeBufferPointer { f in kernels.multiply(out, by: f) }
            case (let f0?, let f1?) where rest.isEmpty:
                f0.storage.withUnsafeBufferPointer { f in
                    f1.storage.withUnsafeBufferPointer { g in kernels.multiply(out, by: f, g) }
                }
            case (let f0?, let f1?):
                for v in [f0, f1] + rest { v.storage.withUnsafeBufferPointer { f in kernels.multiply(out, by: f) } }
            }
        }
    }

    /// The node-perturbation shape, M · g(a_j) (· f_j), in one pass without storing g: the
    /// postsynaptic factors are a derivative, optionally followed by one more factor. Returns false
    /// (nothing written) for any other shape.
    private func modulatedDerivative(_ product: LocalTerm.Product, layer l: Int, input: Matrix, alpha: Double?,
                                     into d: inout Matrix) -> Bool {
        let post = product.post
        guard (1...2).contains(post.count), !post[0].absolute,
              post[0].signal == .derivative || post[0].signal == .cleanDerivative else { return false }
        let clean = post[0].signal == .cleanDerivative
        let a = clean ? cleanRates[l] : network.rates[l], z = clean ? cleanPre[l] : network.preActivations[l]
        let f = post.count == 2 ? signal(post[1], population: l, input: input) : nil
        let activation = network.populations[l].activation, width = d.cols, kernels = KernelTable.current
        d.storage.withUnsafeMutableBufferPointer { out in
            a.storage.withUnsafeBufferPointer { a in
                z.storage.withUnsafeBufferPointer { z in
                    modulation.withUnsafeBufferPointer { modulation in
                        for n in 0..<d.rows {
                            let m = alpha.map { $0 * modulation[n] } ?? modulation[n]
                            let range = (n * width)..<((n + 1) * width)
                            let row = UnsafeMutableBufferPointer(rebasing: out[range])
                            // (m·g)·f, or m·g without a second factor (the same bits as (m·g)·1).
                            if let f {
                                f.storage.withUnsafeBufferPointer { f in
                                    kernels.scaledDerivative(activation, scale: m, output: UnsafeBufferPointer(rebasing: a[range]),
                                                             preActivation: UnsafeBufferPointer(rebasing: z[range]),
                                                             factor: UnsafeBufferPointer(rebasing: f[range]), into: row)
                                }
                            } else {
                                kernels.scaledDerivative(activation, scale: m, output: UnsafeBufferPointer(rebasing: a[range]),
                                                         preActivation: UnsafeBufferPointer(rebasing: z[range]), factor: nil, into: row)
                            }
                        }
                    }
                }
            }
        }
        return true
    }

    /// `[B × neurons]`: the product of `factors` of `population` (−1: the input); all ones if none.
    private func factorProduct(_ factors: [LocalTerm.NeuronFactor], population: Int, input: Matrix) -> Matrix {
        let width = population < 0 ? input.cols : network.populations[population].size
        if factors.count == 1 { return signal(factors[0], population: population, input: input) }
        var out = Matrix(rows: input.rows, cols: width, value: 1)
        for f in factors { out.multiplyElementwise(by: signal(f, population: population, input: input)) }
        return out
    }

    /// One factor's values for `population` (−1: the input, read as linear neurons without noise).
    ///
    /// Signals the network already holds (rates, noise, drives) are returned as they are, never
    /// cached: a cached copy would share the network's buffer and make the next pass copy it.
    func signal(_ factor: LocalTerm.NeuronFactor, population p: Int, input: Matrix) -> Matrix {
        if !factor.absolute, let held = heldSignal(factor.signal, population: p, input: input) { return held }
        let width = p < 0 ? input.cols : network.populations[p].size
        return signals.value(population: p, signal: factor.signal, absolute: factor.absolute, rows: input.rows, cols: width) { m in
            fill(&m, signal: factor.signal, population: p, input: input)
            if factor.absolute { for k in m.storage.indices { m.storage[k] = abs(m.storage[k]) } }
        }
    }

    /// The matrix the network or the clean pass holds for `signal`, if any.
    private func heldSignal(_ signal: LocalTerm.Signal, population p: Int, input: Matrix) -> Matrix? {
        switch signal {
        case .rate, .drive: return p < 0 ? input : signal == .rate ? network.rates[p] : network.preActivations[p]
        case .cleanRate, .cleanDrive: return p < 0 ? input : signal == .cleanRate ? cleanRates[p] : cleanPre[p]
        case .noise:
            guard p >= 0 else { return nil }
            if case .nodes = rule.probe { return network.probeNoise[p] }
            return network.noise[p]
        default: return nil
        }
    }

    private func fill(_ m: inout Matrix, signal: LocalTerm.Signal, population p: Int, input: Matrix) {
        let count = m.storage.count
        func rates(clean: Bool) -> Matrix { p < 0 ? input : clean ? cleanRates[p] : network.rates[p] }
        switch signal {
        case .rate, .cleanRate, .drive, .cleanDrive, .noise:
            if let held = heldSignal(signal, population: p, input: input) {
                m.storage.withUnsafeMutableBufferPointer { out in held.storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) } }
            } else {
                m.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }  // the input has no noise
            }
        case .derivative, .cleanDerivative:
            guard p >= 0 else { m.storage = Array(repeating: 1, count: count); return }
            let clean = signal == .cleanDerivative
            let a = rates(clean: clean), z = clean ? cleanPre[p] : network.preActivations[p]
            a.storage.withUnsafeBufferPointer { ap in
                z.storage.withUnsafeBufferPointer { zp in
                    m.storage.withUnsafeMutableBufferPointer { network.populations[p].activation.derivatives(output: ap, preActivation: zp, into: $0) }
                }
            }
        case .difference, .driveDifference:
            guard p >= 0 else { m.storage = Array(repeating: 0, count: count); return }
            let (probed, clean) = signal == .difference ? (network.rates[p], cleanRates[p]) : (network.preActivations[p], cleanPre[p])
            for k in 0..<count { m.storage[k] = probed.storage[k] - clean.storage[k] }
        case .fired:
            let a = rates(clean: false)
            for k in 0..<count { m.storage[k] = a.storage[k] > rule.firingThreshold ? 1 : 0 }
        case .error:
            for k in 0..<count { m.storage[k] = network.output.storage[k] - currentTarget.storage[k] }
        case .logProbabilityGradient:
            // ∂ log π(a)/∂z = −∂CE/∂z; backprop scales a batch's gradient by 1/B.
            guard p >= 0 else { m.storage = Array(repeating: 0, count: count); return }
            let instances = Double(m.rows), g = episodic!.backprop.preActivationGradients[p]
            for k in 0..<count { m.storage[k] = instances == 1 ? -g.storage[k] : -g.storage[k] * instances }
        }
    }

    /// Per instance, the product of its instance factors (divisors divide; a zero divisor gives 0,
    /// as seed 004's code does for ‖ξ‖² = 0); nil when the product has none.
    func instanceScales(of product: LocalTerm.Product, batch: Int) -> [Double]? {
        let factors = product.instance
        guard !factors.isEmpty else { return nil }
        return (0..<batch).map { n in
            var numerator = 1.0, denominator = 1.0
            for factor in factors {
                let v = instanceValue(factor.signal, instance: n)
                if factor.divides { denominator *= v } else { numerator *= v }
            }
            return denominator == 0 ? 0 : numerator / denominator
        }
    }

    /// ‖ξ‖² of instance n (layer by layer, neuron by neuron), or its dlogp.
    func instanceValue(_ signal: LocalTerm.InstanceSignal, instance n: Int) -> Double {
        switch signal {
        case .logProbabilityDifference: return episodic?.logProbabilityDifference[n] ?? 0
        case .noiseSquaredNorm:
            var norm = 0.0
            for l in 0..<network.depth {
                let noise: Matrix
                if case .nodes = rule.probe { noise = network.probeNoise[l] } else { noise = network.noise[l] }
                let width = noise.cols
                for k in (n * width)..<((n + 1) * width) { let v = noise.storage[k]; norm += v * v }
            }
            return norm
        }
    }

    /// A factor's value at the always-on unit that feeds a bias.
    static func alwaysOnValue(_ f: LocalTerm.NeuronFactor) -> Double {
        switch f.signal {
        case .rate, .cleanRate, .fired, .drive, .cleanDrive: return 1
        case .derivative, .cleanDerivative, .noise, .difference, .driveDifference, .error, .logProbabilityGradient: return 0
        }
    }

    /// b₀ = Π_f f(always-on unit), the factor a bias's change carries, multiplied left to right.
    static func alwaysOnProduct(_ factors: [LocalTerm.NeuronFactor]) -> Double {
        var value = 1.0
        for i in factors.indices { value *= alwaysOnValue(factors[i]) }
        return value
    }

    /// out ← α Aᵀ v + β out for A `[B × P]`, v of length B.
    func gemvTransposed(_ a: Matrix, _ v: [Double], alpha: Double, beta: Double, into out: inout [Double]) {
        precondition(a.rows == v.count && a.cols == out.count)
        a.storage.withUnsafeBufferPointer { pa in
            v.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer { po in
                    cblas_dgemv(CblasRowMajor, CblasTrans, Int32(a.rows), Int32(a.cols), alpha,
                                pa.baseAddress, Int32(a.cols), pv.baseAddress, 1, beta, po.baseAddress, 1)
                }
            }
        }
    }
}
