import CNeuromodKernels

/// One level's C kernels (`Sources/CNeuromodKernels`) behind Swift buffer types: the call sites'
/// thin wrappers. ``current`` is the process's level; tests compare every level through
/// ``init(level:)``. Counts come from the buffers; each method states which buffer sets it.
struct KernelTable: @unchecked Sendable {
    let level: KernelLevel
    let table: nmk_table

    /// The kernels of the level this process runs (``Kernels/selected``).
    static let current = KernelTable(table: nmk_selected_table().pointee, level: Kernels.selected)

    /// The kernels of `level`, or nil if this CPU lacks it.
    init?(level: KernelLevel) {
        guard let table = nmk_table_for(level.cLevel) else { return nil }
        self.init(table: table.pointee, level: level)
    }

    private init(table: nmk_table, level: KernelLevel) {
        self.table = table
        self.level = level
    }

    /// out[i] = e^(sign·x[i] + shift) for i < x.count (see ``VectorExp``).
    func exp(_ x: UnsafeBufferPointer<Double>, sign: Double, shift: Double, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= x.count)
        guard x.count > 0 else { return }
        table.exp!(x.baseAddress, sign, shift, out.baseAddress, x.count)
    }

    /// out[i] = φ(z[i]) for i < z.count; `activation` is elementwise (not softmax).
    func activate(_ activation: Activation, _ z: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= z.count)
        guard z.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.activate!(kind, slope, z.baseAddress, out.baseAddress, z.count)
    }

    /// z[r, c] += bias[c], then out = φ(z), in one pass over `[z.count / bias.count × bias.count]`.
    func biasActivate(_ activation: Activation, _ z: UnsafeMutableBufferPointer<Double>, bias: UnsafeBufferPointer<Double>,
                      into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= z.count && !bias.isEmpty && z.count % bias.count == 0)
        guard z.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.bias_activate!(kind, slope, z.baseAddress, bias.baseAddress, z.count / bias.count, bias.count, out.baseAddress)
    }

    /// Row-wise softmax of `z` (`width` columns) into `out`.
    func softmax(_ z: UnsafeBufferPointer<Double>, width: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= z.count && width > 0)
        guard z.count > 0 else { return }
        table.softmax!(z.baseAddress, z.count / width, width, out.baseAddress)
    }

    /// g = φ′(a, z) for i < g.count.
    func derivatives(_ activation: Activation, output a: UnsafeBufferPointer<Double>, preActivation z: UnsafeBufferPointer<Double>,
                     into g: UnsafeMutableBufferPointer<Double>) {
        precondition(a.count >= g.count && z.count >= g.count)
        guard g.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.derivatives!(kind, slope, a.baseAddress, z.baseAddress, g.baseAddress, g.count)
    }

    /// gz = ga·φ′(a, z) for i < ga.count (elementwise activations).
    func backward(_ activation: Activation, gradOutput ga: UnsafeBufferPointer<Double>, output a: UnsafeBufferPointer<Double>,
                  preActivation z: UnsafeBufferPointer<Double>, into gz: UnsafeMutableBufferPointer<Double>) {
        precondition(a.count >= ga.count && z.count >= ga.count && gz.count >= ga.count)
        guard ga.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.backward!(kind, slope, ga.baseAddress, a.baseAddress, z.baseAddress, gz.baseAddress, ga.count)
    }

    /// gz = ga·φ′(a, z) over `[ga.count / sums.count × sums.count]` (elementwise activations), and
    /// sums[c] += gz[r, c] row after row: ``backward(_:gradOutput:output:preActivation:into:)`` and the
    /// column sums of gz in one pass.
    func backward(_ activation: Activation, gradOutput ga: UnsafeBufferPointer<Double>, output a: UnsafeBufferPointer<Double>,
                  preActivation z: UnsafeBufferPointer<Double>, into gz: UnsafeMutableBufferPointer<Double>,
                  addingColumnSumsInto sums: UnsafeMutableBufferPointer<Double>) {
        precondition(a.count >= ga.count && z.count >= ga.count && gz.count >= ga.count)
        precondition(!sums.isEmpty && ga.count % sums.count == 0)
        guard ga.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.backward_sums!(kind, slope, ga.baseAddress, a.baseAddress, z.baseAddress, gz.baseAddress,
                             ga.count / sums.count, sums.count, sums.baseAddress)
    }

    /// ``backward(_:gradOutput:output:preActivation:into:addingColumnSumsInto:)`` with the gradient
    /// `[d.count × w.count]` the outer product of `d` and `w`, entry (r, c) taken as (d_r·w_c) + 0: the
    /// one-term product OpenBLAS's `dgemm` gives for k = 1 (−0 becomes +0), neither called nor stored.
    func backward(_ activation: Activation, outerProductOf d: UnsafeBufferPointer<Double>, _ w: UnsafeBufferPointer<Double>,
                  output a: UnsafeBufferPointer<Double>, preActivation z: UnsafeBufferPointer<Double>,
                  into gz: UnsafeMutableBufferPointer<Double>, addingColumnSumsInto sums: UnsafeMutableBufferPointer<Double>) {
        let count = d.count * w.count
        precondition(sums.count == w.count && a.count >= count && z.count >= count && gz.count >= count)
        guard count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.outer_backward_sums!(kind, slope, d.baseAddress, w.baseAddress, a.baseAddress, z.baseAddress, gz.baseAddress,
                                   d.count, w.count, sums.baseAddress)
    }

    /// Softmax's backward pass, row by row (`width` columns): gz = a ⊙ (ga − a·ga).
    func softmaxBackward(gradOutput ga: UnsafeBufferPointer<Double>, output a: UnsafeBufferPointer<Double>, width: Int,
                         into gz: UnsafeMutableBufferPointer<Double>) {
        precondition(a.count >= ga.count && gz.count >= ga.count && width > 0)
        guard ga.count > 0 else { return }
        table.softmax_backward!(ga.baseAddress, a.baseAddress, ga.count / width, width, gz.baseAddress)
    }

    /// out = (m·φ′(a, z))·f (f nil: m·φ′) for i < out.count.
    func scaledDerivative(_ activation: Activation, scale m: Double, output a: UnsafeBufferPointer<Double>,
                          preActivation z: UnsafeBufferPointer<Double>, factor f: UnsafeBufferPointer<Double>?,
                          into out: UnsafeMutableBufferPointer<Double>) {
        precondition(a.count >= out.count && z.count >= out.count && (f?.count ?? out.count) >= out.count)
        guard out.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.scaled_derivative!(kind, slope, m, a.baseAddress, z.baseAddress, f?.baseAddress, out.baseAddress, out.count)
    }

    /// y += α·x for i < y.count.
    func addScaled(_ y: UnsafeMutableBufferPointer<Double>, _ alpha: Double, _ x: UnsafeBufferPointer<Double>) {
        precondition(x.count >= y.count)
        guard y.count > 0 else { return }
        table.add_scaled!(y.baseAddress, alpha, x.baseAddress, y.count)
    }

    /// y ⊙= x for i < y.count.
    func multiply(_ y: UnsafeMutableBufferPointer<Double>, by x: UnsafeBufferPointer<Double>) {
        precondition(x.count >= y.count)
        guard y.count > 0 else { return }
        table.multiply!(y.baseAddress, x.baseAddress, y.count)
    }

    /// y = (y ⊙ f) ⊙ g for i < y.count.
    func multiply(_ y: UnsafeMutableBufferPointer<Double>, by f: UnsafeBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>) {
        precondition(f.count >= y.count && g.count >= y.count)
        guard y.count > 0 else { return }
        table.multiply2!(y.baseAddress, f.baseAddress, g.baseAddress, y.count)
    }

    /// y[r, c] += v[c] over `[y.count / v.count × v.count]`.
    func addRowVector(_ y: UnsafeMutableBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) {
        precondition(!v.isEmpty && y.count % v.count == 0)
        guard y.count > 0 else { return }
        table.add_row_vector!(y.baseAddress, v.baseAddress, y.count / v.count, v.count)
    }

    /// y[r, c] = v[c] over `[y.count / v.count × v.count]`.
    func fillRows(_ y: UnsafeMutableBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) {
        precondition(!v.isEmpty && y.count % v.count == 0)
        guard y.count > 0 else { return }
        table.fill_rows!(y.baseAddress, v.baseAddress, y.count / v.count, v.count)
    }

    /// w += (c·x)·e (x nil: w += c·e) for i < w.count: one instance's row of an eligibility product.
    func accumulateProduct(_ w: UnsafeMutableBufferPointer<Double>, _ c: Double, _ x: UnsafeBufferPointer<Double>?,
                           _ e: UnsafeBufferPointer<Double>) {
        precondition(e.count >= w.count && (x?.count ?? w.count) >= w.count)
        guard w.count > 0 else { return }
        table.accumulate_product!(w.baseAddress, c, x?.baseAddress, e.baseAddress, w.count)
    }
}

extension Activation {
    /// The kernels' name for an elementwise activation and its slope (0 unless leaky ReLU).
    var kernelKind: (nmk_activation, Double) {
        switch self {
        case .linear: return (NMK_ACT_LINEAR, 0)
        case .sigmoid: return (NMK_ACT_SIGMOID, 0)
        case .tanh: return (NMK_ACT_TANH, 0)
        case .relu: return (NMK_ACT_RELU, 0)
        case .leakyReLU(let slope): return (NMK_ACT_LEAKY_RELU, slope)
        case .softmax: preconditionFailure("softmax is not elementwise")
        }
    }
}
