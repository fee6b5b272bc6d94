/// e^x over whole buffers in a branch-free loop the compiler vectorizes: the sigmoid of a batch is
/// dominated by `exp`, and libm's scalar `exp` does not vectorize.
///
/// Method (as in Cephes/SLEEF): n = round(x / ln 2) by the 1.5·2⁵² trick, r = x − n·ln 2 in two
/// parts (Cody–Waite), so |r| ≤ ln 2 / 2; e^r by its Taylor series to degree 13 (truncation
/// < 2⁻⁵⁶ relative) in Horner form; the result is scaled by 2ⁿ built in the exponent bits.
/// Measured against `Foundation.exp` on [−708, 709.78]: at most 2 ulp apart (`VectorExpTests`).
/// Above that range the result is +∞; below it 0 — results under e^−708 ≈ 3·10⁻³⁰⁸ are flushed,
/// which changes a sigmoid or softmax by less than that, absolutely. NaN stays NaN.
enum VectorExp {
    private static let log2e = 1.4426950408889634
    private static let ln2Hi = 6.93147180369123816490e-01
    private static let ln2Lo = 1.90821492927058770002e-10
    /// Adding then subtracting 1.5·2⁵² rounds to the nearest integer, which then sits in the low bits.
    private static let roundingMagic = 6_755_399_441_055_744.0
    /// Largest x with a finite e^x; below `normalBound` results flush to 0.
    static let overflowBound = 709.782712893384
    static let normalBound = -708.0

    /// out[i] = e^(sign·x[i] + shift) for all i (`out` may alias `x`).
    static func apply(_ x: UnsafeBufferPointer<Double>, sign: Double = 1, shift: Double = 0,
                      into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= x.count)
        guard let source = x.baseAddress, let target = out.baseAddress else { return }
        for i in 0..<x.count { target[i] = exp(source[i] * sign + shift) }
    }

    @inline(__always)
    static func exp(_ v: Double) -> Double {
        // Clamp so the arithmetic stays finite; the selects at the end give ∞, 0 and NaN.
        let x = v > overflowBound ? overflowBound : (v < normalBound ? normalBound : v)
        let shifted = x * log2e + roundingMagic
        let n = shifted - roundingMagic
        let r = (x - n * ln2Hi) - n * ln2Lo
        var p = 1.0 / 6_227_020_800
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // n sits in the low bits of `shifted` (two's complement). 2ⁿ = 2ⁿ⁻¹·2, so that n = 1024 (x near
        // the overflow bound) still has a finite scale; 2ⁿ⁻¹ has exponent field n − 1 + 1023.
        let k = shifted.bitPattern &- roundingMagic.bitPattern
        let scale = Double(bitPattern: (k &+ 1022) << 52)
        let result = p * scale * 2
        let high = v > overflowBound ? Double.infinity : result
        let low = v < normalBound ? 0 : high
        return v != v ? v : low
    }
}
