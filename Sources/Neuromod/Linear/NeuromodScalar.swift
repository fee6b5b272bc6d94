import CGSL

/// The scalar types Neuromod's numeric core computes in: `Double` (float64, the default and the
/// reference) and `Float` (the float32 mode, docs/precision.md). Internal: the plan is one engine,
/// generic over this protocol behind non-generic entry points, so nothing is specialized across
/// modules.
///
/// Each requirement binds one primitive to its precision: the BLAS products to `cblas_d*` or
/// `cblas_s*` (OpenBLAS through GSL's CBLAS interface), the elementwise loops to ``KernelTable``'s
/// `Double` or `Float` kernels (same operation order in both; the same bits at every kernel level).
/// Buffers are row-major; counts are elements. GSL's random draws are `Double`: ``fromDraws(_:into:)``
/// takes them into this precision (a copy for `Double`, rounding to nearest for `Float`), so both
/// precisions see the same noise up to that rounding. `SIMDScalar` for the Rademacher kernels'
/// `SIMD8` rows (``signTable``); `Codable` because `SIMDScalar`'s vector types require it.
protocol NeuromodScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable {
    /// The name a spec gives this precision: `float64` or `float32`.
    static var precisionName: String { get }

    /// C ← α·op(A)·op(B) + β·C for row-major A, B, C with leading dimensions `lda`, `ldb`, `ldc`;
    /// op(A) is m×k, op(B) k×n. `cblas_dgemm` / `cblas_sgemm`.
    static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Self,
                     _ a: UnsafePointer<Self>, lda: Int, _ b: UnsafePointer<Self>, ldb: Int, beta: Self,
                     _ c: UnsafeMutablePointer<Self>, ldc: Int)

    /// y ← α·op(A)·x + β·y for a row-major m×n matrix A (leading dimension `lda`).
    /// `cblas_dgemv` / `cblas_sgemv`.
    static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Self, _ a: UnsafePointer<Self>, lda: Int,
                     _ x: UnsafePointer<Self>, beta: Self, _ y: UnsafeMutablePointer<Self>)

    /// ``RademacherKernels``' ±1 rows in this precision.
    static var signTable: UnsafePointer<SIMD8<Self>> { get }

    /// This value with its sign bit flipped when `flip` is 1 (unchanged when 0): ±σ from a sign bit,
    /// branch-free and exact.
    func flippingSign(_ flip: UInt64) -> Self

    /// out[i] = x[i] in this precision (Double: copied; Float: rounded to nearest, ties to even).
    static func fromDraws(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Self>)

    /// Fills `out` with `generator`'s next N(0, σ²) draws in this precision: ``RandomGenerator``'s
    /// float64 draws (Float: each rounded to nearest, ties to even).
    static func fillGaussian(_ out: UnsafeMutableBufferPointer<Self>, from generator: RandomGenerator, sigma: Double)

    /// ``KernelTable/activate(_:_:into:)`` at `table`'s level, in this precision.
    static func activate(_ table: KernelTable, _ activation: Activation, _ z: UnsafeBufferPointer<Self>,
                         into out: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/biasActivate(_:_:bias:into:)`` in this precision.
    static func biasActivate(_ table: KernelTable, _ activation: Activation, _ z: UnsafeMutableBufferPointer<Self>,
                             bias: UnsafeBufferPointer<Self>, into out: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/softmax(_:width:into:)`` in this precision.
    static func softmax(_ table: KernelTable, _ z: UnsafeBufferPointer<Self>, width: Int, into out: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/backward(_:gradOutput:output:preActivation:into:)`` in this precision.
    static func backward(_ table: KernelTable, _ activation: Activation, gradOutput ga: UnsafeBufferPointer<Self>,
                         output a: UnsafeBufferPointer<Self>, preActivation z: UnsafeBufferPointer<Self>,
                         into gz: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/backward(_:gradOutput:output:preActivation:into:addingColumnSumsInto:)`` in this precision.
    static func backward(_ table: KernelTable, _ activation: Activation, gradOutput ga: UnsafeBufferPointer<Self>,
                         output a: UnsafeBufferPointer<Self>, preActivation z: UnsafeBufferPointer<Self>,
                         into gz: UnsafeMutableBufferPointer<Self>, addingColumnSumsInto sums: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/softmaxBackward(gradOutput:output:width:into:)`` in this precision.
    static func softmaxBackward(_ table: KernelTable, gradOutput ga: UnsafeBufferPointer<Self>, output a: UnsafeBufferPointer<Self>,
                                width: Int, into gz: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/scaledDerivative(_:scale:output:preActivation:factor:into:)`` in this precision.
    static func scaledDerivative(_ table: KernelTable, _ activation: Activation, scale m: Self, output a: UnsafeBufferPointer<Self>,
                                 preActivation z: UnsafeBufferPointer<Self>, factor f: UnsafeBufferPointer<Self>?,
                                 into out: UnsafeMutableBufferPointer<Self>)
    /// ``KernelTable/addScaled(_:_:_:)`` in this precision.
    static func addScaled(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Self>, _ alpha: Self, _ x: UnsafeBufferPointer<Self>)
    /// ``KernelTable/multiply(_:by:)`` in this precision.
    static func multiply(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Self>, by x: UnsafeBufferPointer<Self>)
    /// ``KernelTable/addRowVector(_:_:)`` in this precision.
    static func addRowVector(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Self>, _ v: UnsafeBufferPointer<Self>)
    /// ``KernelTable/fillRows(_:_:)`` in this precision.
    static func fillRows(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Self>, _ v: UnsafeBufferPointer<Self>)
    /// ``KernelTable/accumulateProduct(_:_:_:_:)`` in this precision.
    static func accumulateProduct(_ table: KernelTable, _ w: UnsafeMutableBufferPointer<Self>, _ c: Self,
                                  _ x: UnsafeBufferPointer<Self>?, _ e: UnsafeBufferPointer<Self>)
}

extension Double: NeuromodScalar {
    static var precisionName: String { "float64" }
    static var signTable: UnsafePointer<SIMD8<Double>> { RademacherKernels.table }

    @inline(__always)
    func flippingSign(_ flip: UInt64) -> Double { Double(bitPattern: bitPattern ^ (flip << 63)) }

    static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Double,
                     _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int, beta: Double,
                     _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Double, _ a: UnsafePointer<Double>, lda: Int,
                     _ x: UnsafePointer<Double>, beta: Double, _ y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, trans.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    static func fromDraws(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= x.count)
        guard let base = x.baseAddress, x.count > 0 else { return }
        out.baseAddress!.update(from: base, count: x.count)
    }

    static func fillGaussian(_ out: UnsafeMutableBufferPointer<Double>, from generator: RandomGenerator, sigma: Double) {
        generator.fillGaussian(out, sigma: sigma)
    }

    static func activate(_ table: KernelTable, _ activation: Activation, _ z: UnsafeBufferPointer<Double>,
                         into out: UnsafeMutableBufferPointer<Double>) { table.activate(activation, z, into: out) }
    static func biasActivate(_ table: KernelTable, _ activation: Activation, _ z: UnsafeMutableBufferPointer<Double>,
                             bias: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        table.biasActivate(activation, z, bias: bias, into: out)
    }
    static func softmax(_ table: KernelTable, _ z: UnsafeBufferPointer<Double>, width: Int, into out: UnsafeMutableBufferPointer<Double>) {
        table.softmax(z, width: width, into: out)
    }
    static func backward(_ table: KernelTable, _ activation: Activation, gradOutput ga: UnsafeBufferPointer<Double>,
                         output a: UnsafeBufferPointer<Double>, preActivation z: UnsafeBufferPointer<Double>,
                         into gz: UnsafeMutableBufferPointer<Double>) {
        table.backward(activation, gradOutput: ga, output: a, preActivation: z, into: gz)
    }
    static func backward(_ table: KernelTable, _ activation: Activation, gradOutput ga: UnsafeBufferPointer<Double>,
                         output a: UnsafeBufferPointer<Double>, preActivation z: UnsafeBufferPointer<Double>,
                         into gz: UnsafeMutableBufferPointer<Double>, addingColumnSumsInto sums: UnsafeMutableBufferPointer<Double>) {
        table.backward(activation, gradOutput: ga, output: a, preActivation: z, into: gz, addingColumnSumsInto: sums)
    }
    static func softmaxBackward(_ table: KernelTable, gradOutput ga: UnsafeBufferPointer<Double>, output a: UnsafeBufferPointer<Double>,
                                width: Int, into gz: UnsafeMutableBufferPointer<Double>) {
        table.softmaxBackward(gradOutput: ga, output: a, width: width, into: gz)
    }
    static func scaledDerivative(_ table: KernelTable, _ activation: Activation, scale m: Double, output a: UnsafeBufferPointer<Double>,
                                 preActivation z: UnsafeBufferPointer<Double>, factor f: UnsafeBufferPointer<Double>?,
                                 into out: UnsafeMutableBufferPointer<Double>) {
        table.scaledDerivative(activation, scale: m, output: a, preActivation: z, factor: f, into: out)
    }
    static func addScaled(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Double>, _ alpha: Double, _ x: UnsafeBufferPointer<Double>) {
        table.addScaled(y, alpha, x)
    }
    static func multiply(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Double>, by x: UnsafeBufferPointer<Double>) {
        table.multiply(y, by: x)
    }
    static func addRowVector(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) {
        table.addRowVector(y, v)
    }
    static func fillRows(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) {
        table.fillRows(y, v)
    }
    static func accumulateProduct(_ table: KernelTable, _ w: UnsafeMutableBufferPointer<Double>, _ c: Double,
                                  _ x: UnsafeBufferPointer<Double>?, _ e: UnsafeBufferPointer<Double>) {
        table.accumulateProduct(w, c, x, e)
    }
}

extension Float: NeuromodScalar {
    static var precisionName: String { "float32" }
    static var signTable: UnsafePointer<SIMD8<Float>> { RademacherKernels.floatTable }

    @inline(__always)
    func flippingSign(_ flip: UInt64) -> Float { Float(bitPattern: bitPattern ^ (UInt32(truncatingIfNeeded: flip) << 31)) }

    static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
                     _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                     _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Float, _ a: UnsafePointer<Float>, lda: Int,
                     _ x: UnsafePointer<Float>, beta: Float, _ y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, trans.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    static func fromDraws(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Float>) {
        KernelTable.current.roundToFloat(x, into: out)
    }

    static func fillGaussian(_ out: UnsafeMutableBufferPointer<Float>, from generator: RandomGenerator, sigma: Double) {
        generator.fillGaussian(out, sigma: sigma)
    }

    static func activate(_ table: KernelTable, _ activation: Activation, _ z: UnsafeBufferPointer<Float>,
                         into out: UnsafeMutableBufferPointer<Float>) { table.activate(activation, z, into: out) }
    static func biasActivate(_ table: KernelTable, _ activation: Activation, _ z: UnsafeMutableBufferPointer<Float>,
                             bias: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        table.biasActivate(activation, z, bias: bias, into: out)
    }
    static func softmax(_ table: KernelTable, _ z: UnsafeBufferPointer<Float>, width: Int, into out: UnsafeMutableBufferPointer<Float>) {
        table.softmax(z, width: width, into: out)
    }
    static func backward(_ table: KernelTable, _ activation: Activation, gradOutput ga: UnsafeBufferPointer<Float>,
                         output a: UnsafeBufferPointer<Float>, preActivation z: UnsafeBufferPointer<Float>,
                         into gz: UnsafeMutableBufferPointer<Float>) {
        table.backward(activation, gradOutput: ga, output: a, preActivation: z, into: gz)
    }
    static func backward(_ table: KernelTable, _ activation: Activation, gradOutput ga: UnsafeBufferPointer<Float>,
                         output a: UnsafeBufferPointer<Float>, preActivation z: UnsafeBufferPointer<Float>,
                         into gz: UnsafeMutableBufferPointer<Float>, addingColumnSumsInto sums: UnsafeMutableBufferPointer<Float>) {
        table.backward(activation, gradOutput: ga, output: a, preActivation: z, into: gz, addingColumnSumsInto: sums)
    }
    static func softmaxBackward(_ table: KernelTable, gradOutput ga: UnsafeBufferPointer<Float>, output a: UnsafeBufferPointer<Float>,
                                width: Int, into gz: UnsafeMutableBufferPointer<Float>) {
        table.softmaxBackward(gradOutput: ga, output: a, width: width, into: gz)
    }
    static func scaledDerivative(_ table: KernelTable, _ activation: Activation, scale m: Float, output a: UnsafeBufferPointer<Float>,
                                 preActivation z: UnsafeBufferPointer<Float>, factor f: UnsafeBufferPointer<Float>?,
                                 into out: UnsafeMutableBufferPointer<Float>) {
        table.scaledDerivative(activation, scale: m, output: a, preActivation: z, factor: f, into: out)
    }
    static func addScaled(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Float>, _ alpha: Float, _ x: UnsafeBufferPointer<Float>) {
        table.addScaled(y, alpha, x)
    }
    static func multiply(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Float>, by x: UnsafeBufferPointer<Float>) {
        table.multiply(y, by: x)
    }
    static func addRowVector(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Float>, _ v: UnsafeBufferPointer<Float>) {
        table.addRowVector(y, v)
    }
    static func fillRows(_ table: KernelTable, _ y: UnsafeMutableBufferPointer<Float>, _ v: UnsafeBufferPointer<Float>) {
        table.fillRows(y, v)
    }
    static func accumulateProduct(_ table: KernelTable, _ w: UnsafeMutableBufferPointer<Float>, _ c: Float,
                                  _ x: UnsafeBufferPointer<Float>?, _ e: UnsafeBufferPointer<Float>) {
        table.accumulateProduct(w, c, x, e)
    }
}
