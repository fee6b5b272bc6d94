/// e^x over whole buffers in a branch-free loop the compiler vectorizes: the sigmoid of a batch is
/// dominated by `exp`, and libm's scalar `exp` does not vectorize.
///
/// Method (as in Cephes/SLEEF): n = round(x / ln 2) by the 1.5·2⁵² trick, r = x − n·ln 2 in two
/// parts (Cody–Waite), so |r| ≤ ln 2 / 2; e^r by its Taylor series to degree 13 (truncation
/// < 2⁻⁵⁶ relative) in Horner form; the result is scaled by 2ⁿ built in the exponent bits.
/// Measured against `Foundation.exp` on [−708, 709.78]: at most 2 ulp apart (`VectorExpTests`).
/// Above that range the result is +∞; below it 0 — results under e^−708 ≈ 3·10⁻³⁰⁸ are flushed,
/// which changes a sigmoid or softmax by less than that, absolutely. NaN stays NaN.
///
/// The loop is the C kernel `nmk_exp1` (`Sources/CNeuromodKernels/kernels_scalar.h`), run at the
/// process's ``KernelLevel``; every level gives the same bits.
enum VectorExp {
    /// Largest x with a finite e^x; below `normalBound` results flush to 0.
    static let overflowBound = 709.782712893384
    static let normalBound = -708.0

    /// out[i] = e^(sign·x[i] + shift) for all i (`out` may be `x`).
    static func apply(_ x: UnsafeBufferPointer<Double>, sign: Double = 1, shift: Double = 0,
                      into out: UnsafeMutableBufferPointer<Double>) {
        KernelTable.current.exp(x, sign: sign, shift: shift, into: out)
    }
}
