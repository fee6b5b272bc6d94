import CNeuromodKernels

/// The single-precision kernels (the float32 mode, `docs/precision.md`): each method is the
/// `Double` method of ``KernelTable`` with the same name and `Float` buffers, computing in float
/// with the same operation order, so that a numeric core generic over its scalar type calls
/// `kernels.activate(…)` for either precision. Every level gives the same bits, as for `Double`.
///
/// Float `exp` (and the sigmoid and softmax through it): ``VectorExpFloat``.
extension KernelTable {
    /// out[i] = e^(sign·x[i] + shift) in float for i < x.count (see ``VectorExpFloat``).
    func exp(_ x: UnsafeBufferPointer<Float>, sign: Float, shift: Float, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= x.count)
        guard x.count > 0 else { return }
        table.exp_f32!(x.baseAddress, sign, shift, out.baseAddress, x.count)
    }

    /// out[i] = φ(z[i]) in float for i < z.count; `activation` is elementwise (not softmax). A
    /// leaky ReLU's slope is rounded to `Float`.
    func activate(_ activation: Activation, _ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= z.count)
        guard z.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.activate_f32!(kind, Float(slope), z.baseAddress, out.baseAddress, z.count)
    }

    /// z[r, c] += bias[c], then out = φ(z), in one pass over `[z.count / bias.count × bias.count]`, in float.
    func biasActivate(_ activation: Activation, _ z: UnsafeMutableBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                      into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= z.count && !bias.isEmpty && z.count % bias.count == 0)
        guard z.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.bias_activate_f32!(kind, Float(slope), z.baseAddress, bias.baseAddress, z.count / bias.count, bias.count,
                                 out.baseAddress)
    }

    /// Row-wise softmax of `z` (`width` columns) into `out`, in float.
    func softmax(_ z: UnsafeBufferPointer<Float>, width: Int, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= z.count && width > 0)
        guard z.count > 0 else { return }
        table.softmax_f32!(z.baseAddress, z.count / width, width, out.baseAddress)
    }

    /// g = φ′(a, z) in float for i < g.count.
    func derivatives(_ activation: Activation, output a: UnsafeBufferPointer<Float>, preActivation z: UnsafeBufferPointer<Float>,
                     into g: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= g.count && z.count >= g.count)
        guard g.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.derivatives_f32!(kind, Float(slope), a.baseAddress, z.baseAddress, g.baseAddress, g.count)
    }

    /// gz = ga·φ′(a, z) in float for i < ga.count (elementwise activations).
    func backward(_ activation: Activation, gradOutput ga: UnsafeBufferPointer<Float>, output a: UnsafeBufferPointer<Float>,
                  preActivation z: UnsafeBufferPointer<Float>, into gz: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= ga.count && z.count >= ga.count && gz.count >= ga.count)
        guard ga.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.backward_f32!(kind, Float(slope), ga.baseAddress, a.baseAddress, z.baseAddress, gz.baseAddress, ga.count)
    }

    /// gz = ga·φ′(a, z) in float over `[ga.count / sums.count × sums.count]`, and sums[c] += gz[r, c]
    /// row after row, in one pass.
    func backward(_ activation: Activation, gradOutput ga: UnsafeBufferPointer<Float>, output a: UnsafeBufferPointer<Float>,
                  preActivation z: UnsafeBufferPointer<Float>, into gz: UnsafeMutableBufferPointer<Float>,
                  addingColumnSumsInto sums: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= ga.count && z.count >= ga.count && gz.count >= ga.count)
        precondition(!sums.isEmpty && ga.count % sums.count == 0)
        guard ga.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.backward_sums_f32!(kind, Float(slope), ga.baseAddress, a.baseAddress, z.baseAddress, gz.baseAddress,
                                 ga.count / sums.count, sums.count, sums.baseAddress)
    }

    /// The outer-product backward pass in float: gz = ga·φ′ with ga[r, c] = (d_r·w_c) + 0, and
    /// sums[c] += gz[r, c] row after row.
    func backward(_ activation: Activation, outerProductOf d: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>,
                  output a: UnsafeBufferPointer<Float>, preActivation z: UnsafeBufferPointer<Float>,
                  into gz: UnsafeMutableBufferPointer<Float>, addingColumnSumsInto sums: UnsafeMutableBufferPointer<Float>) {
        let count = d.count * w.count
        precondition(sums.count == w.count && a.count >= count && z.count >= count && gz.count >= count)
        guard count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.outer_backward_sums_f32!(kind, Float(slope), d.baseAddress, w.baseAddress, a.baseAddress, z.baseAddress,
                                       gz.baseAddress, d.count, w.count, sums.baseAddress)
    }

    /// Softmax's backward pass in float, row by row (`width` columns): gz = a ⊙ (ga − a·ga).
    func softmaxBackward(gradOutput ga: UnsafeBufferPointer<Float>, output a: UnsafeBufferPointer<Float>, width: Int,
                         into gz: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= ga.count && gz.count >= ga.count && width > 0)
        guard ga.count > 0 else { return }
        table.softmax_backward_f32!(ga.baseAddress, a.baseAddress, ga.count / width, width, gz.baseAddress)
    }

    /// out = (m·φ′(a, z))·f (f nil: m·φ′) in float for i < out.count.
    func scaledDerivative(_ activation: Activation, scale m: Float, output a: UnsafeBufferPointer<Float>,
                          preActivation z: UnsafeBufferPointer<Float>, factor f: UnsafeBufferPointer<Float>?,
                          into out: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= out.count && z.count >= out.count && (f?.count ?? out.count) >= out.count)
        guard out.count > 0 else { return }
        let (kind, slope) = activation.kernelKind
        table.scaled_derivative_f32!(kind, Float(slope), m, a.baseAddress, z.baseAddress, f?.baseAddress, out.baseAddress,
                                     out.count)
    }

    /// y += α·x in float for i < y.count.
    func addScaled(_ y: UnsafeMutableBufferPointer<Float>, _ alpha: Float, _ x: UnsafeBufferPointer<Float>) {
        precondition(x.count >= y.count)
        guard y.count > 0 else { return }
        table.add_scaled_f32!(y.baseAddress, alpha, x.baseAddress, y.count)
    }

    /// y ⊙= x in float for i < y.count.
    func multiply(_ y: UnsafeMutableBufferPointer<Float>, by x: UnsafeBufferPointer<Float>) {
        precondition(x.count >= y.count)
        guard y.count > 0 else { return }
        table.multiply_f32!(y.baseAddress, x.baseAddress, y.count)
    }

    /// y = (y ⊙ f) ⊙ g in float for i < y.count.
    func multiply(_ y: UnsafeMutableBufferPointer<Float>, by f: UnsafeBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
        precondition(f.count >= y.count && g.count >= y.count)
        guard y.count > 0 else { return }
        table.multiply2_f32!(y.baseAddress, f.baseAddress, g.baseAddress, y.count)
    }

    /// y[r, c] += v[c] over `[y.count / v.count × v.count]`, in float.
    func addRowVector(_ y: UnsafeMutableBufferPointer<Float>, _ v: UnsafeBufferPointer<Float>) {
        precondition(!v.isEmpty && y.count % v.count == 0)
        guard y.count > 0 else { return }
        table.add_row_vector_f32!(y.baseAddress, v.baseAddress, y.count / v.count, v.count)
    }

    /// y[r, c] = v[c] over `[y.count / v.count × v.count]`, in float.
    func fillRows(_ y: UnsafeMutableBufferPointer<Float>, _ v: UnsafeBufferPointer<Float>) {
        precondition(!v.isEmpty && y.count % v.count == 0)
        guard y.count > 0 else { return }
        table.fill_rows_f32!(y.baseAddress, v.baseAddress, y.count / v.count, v.count)
    }

    /// w += (c·x)·e (x nil: w += c·e) in float for i < w.count.
    func accumulateProduct(_ w: UnsafeMutableBufferPointer<Float>, _ c: Float, _ x: UnsafeBufferPointer<Float>?,
                           _ e: UnsafeBufferPointer<Float>) {
        precondition(e.count >= w.count && (x?.count ?? w.count) >= w.count)
        guard w.count > 0 else { return }
        table.accumulate_product_f32!(w.baseAddress, c, x?.baseAddress, e.baseAddress, w.count)
    }

    /// out[i] = Float(x[i]) (round to nearest, ties to even) for i < x.count: GSL's double draws
    /// (noise, probes) taken into the float32 mode.
    func roundToFloat(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= x.count)
        guard x.count > 0 else { return }
        table.round_to_float!(x.baseAddress, out.baseAddress, x.count)
    }
}

/// e^x in single precision over whole buffers (the float32 mode's sigmoid and softmax): the
/// method of ``VectorExp`` with float constants and a degree-7 Taylor polynomial (truncation below
/// 5.2·10⁻⁹ relative on |r| ≤ ln 2 / 2), every operation in float. Measured against double `exp`
/// rounded to float on [−86, 88.72283] (every 127th float): at most 1 ulp of the float result apart
/// (`Float32KernelTests` measures and bounds it); the float sigmoid is within 2.1 ulp of the double
/// one. Above `overflowBound` the result is +∞; below `normalBound` 0 (e^−86 ≈ 4.5·10⁻³⁸, still a
/// normal float). NaN stays NaN. The kernel is `nmk_expf1`
/// (`Sources/CNeuromodKernels/kernels_scalar.h`); every level gives the same bits.
enum VectorExpFloat {
    /// Largest float x with a finite e^x (0x42B17217); below `normalBound` results flush to 0.
    static let overflowBound: Float = 88.72283
    static let normalBound: Float = -86

    /// out[i] = e^(sign·x[i] + shift) in float for all i (`out` may be `x`).
    static func apply(_ x: UnsafeBufferPointer<Float>, sign: Float = 1, shift: Float = 0,
                      into out: UnsafeMutableBufferPointer<Float>) {
        KernelTable.current.exp(x, sign: sign, shift: shift, into: out)
    }
}
