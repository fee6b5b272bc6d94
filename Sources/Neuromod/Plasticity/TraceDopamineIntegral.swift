import Foundation

/// The exact integral of a decaying eligibility trace times a decaying dopamine concentration.
///
/// Between two events a synapse's trace decays, e(s) = e₀·exp(−s/τ_e), and so does the dopamine
/// concentration, c(s) = c₀·exp(−s/τ_d). The weight changes continuously as dw/ds = η·c(s)·e(s), so
/// over a segment of length T without events
///
///     ∫₀^T c(s) e(s) ds = c₀ e₀ · τ (1 − exp(−T/τ)) = −c₀ e₀ · expm1(−T/τ) · τ,   1/τ = 1/τ_e + 1/τ_d
///
/// and = c₀ e₀ T when both are constant (1/τ = 0). This is the update NEST's `stdp_dopamine_synapse`
/// applies between spikes and dopamine events (`update_weight_`, with τ_c = τ_e, τ_n = τ_d and
/// dopamine baseline 0; Potjans, Morrison & Diesmann 2010, Front. Comput. Neurosci. 4:141;
/// Izhikevich 2007, Cereb. Cortex 17:2443). `expm1` keeps it accurate when T/τ is tiny; a component
/// with τ = ∞ (a constant trace or constant dopamine) is a rate of 0.
///
/// | parameter | unit | meaning |
/// |---|---|---|
/// | `trace` | φ units | e₀, the trace at the start of the segment |
/// | `traceTau` | s | τ_e > 0, `.infinity` for a constant trace |
/// | `dopamine` | concentration | c₀, the concentration at the start of the segment |
/// | `dopamineTau` | s | τ_d > 0, `.infinity` for constant dopamine |
/// | `duration` | s | T ≥ 0 |
///
/// ``TraceDopamineIntegrator`` walks a sequence of events with it, segment by segment.
public enum TraceDopamineIntegral {
    /// ∫₀^T c₀ exp(−s/τ_d) · e₀ exp(−s/τ_e) ds, exactly (see the type's formula).
    public static func integral(trace e0: Double, traceTau: Double, dopamine c0: Double, dopamineTau: Double,
                                duration: Double) -> Double {
        precondition(traceTau > 0 && dopamineTau > 0, "time constants must be > 0 seconds (.infinity allowed)")
        return c0 * e0 * area(rate: 1 / traceTau + 1 / dopamineTau, duration: duration)
    }

    /// ∫₀^T exp(−k·s) ds = (1 − exp(−kT))/k = −expm1(−kT)/k for a rate k ≥ 0 in 1/s (T when k = 0),
    /// for a duration T ≥ 0 in seconds.
    @inline(__always)
    public static func area(rate k: Double, duration T: Double) -> Double {
        precondition(k >= 0 && T >= 0, "area needs a rate ≥ 0 and a duration ≥ 0 (got \(k), \(T))")
        if k == 0 || T == 0 { return T }
        return -expm1(-k * T) / k
    }
}
