/// The floating-point type a minibatch step computes in (docs/precision.md).
///
/// `float64` is the default and the reference. `float32` runs the whole minibatch step — passes,
/// probes, the backward pass, the update and the SGD write — in `Float`, for speed, with the same
/// determinism (the same numbers whatever the noise threads and jobs; its BLAS products on one
/// OpenBLAS thread, since `sgemm`'s bits depend on the thread count). Its scope: backprop, and the
/// rules on the immediate minibatch path with the ideal device and SGD — WP and 3F-WP (Gaussian or
/// Rademacher probes) and node perturbation / 3F-NP — on networks without leak, intrinsic noise or
/// sparse connectivity. Everything else is refused in one line. Weights stay `Double` at the
/// boundaries: ``Network/parameters`` holds the float32 weights exactly (widened) after every step.
/// Per-instance scalars (losses, the modulation M) stay `Double`.
public enum Precision: String, Sendable, CaseIterable {
    /// float64 (`Double`), the default and the reference.
    case float64
    /// float32 (`Float`): the minibatch step in single precision.
    case float32

    /// Why a network of `populations` (with sparse projections when `sparse`) cannot learn with
    /// `rule` (nil: backprop) in float32, in one line; nil when it can. What a spec loader checks
    /// before any work; the engine and ``Backprop`` refuse the same at run time.
    /// - Parameters:
    ///   - populations: the layers after the input.
    ///   - sparse: whether any projection has a connection probability below 1.
    ///   - rule: the local rule, or nil for backprop.
    /// - Returns: the reason, starting `precision float32 …`, or nil.
    public static func float32Refusal(populations: [Population], sparse: Bool, rule: PlasticityRule?) -> String? {
        if populations.contains(where: { $0.leakSteps != nil }) { return "precision float32 needs populations without leak (leak_steps)" }
        if let why = networkRefusal(populations: populations, sparse: sparse) { return why }
        return rule.flatMap { PrecisionStep<Float>.ruleRefusal($0, environments: false) }
    }

    /// Why `network` cannot run a float32 step (nil: it can): intrinsic noise, sparse connectivity.
    /// (Leaky populations are refused before, by backprop and the engine's rule validation.)
    static func networkRefusal(_ network: Network) -> String? {
        networkRefusal(populations: network.populations, sparse: network.connectivity.contains { $0.mask != nil })
    }

    static func networkRefusal(populations: [Population], sparse: Bool) -> String? {
        if populations.contains(where: { $0.noise != nil }) {
            return "precision float32 needs populations without intrinsic noise"
        }
        if sparse { return "precision float32 needs dense projections (connection_probability 1)" }
        return nil
    }

    /// Why the float32 step cannot run now (nil: it can): its products need one OpenBLAS thread.
    static func threadRefusal() -> String? {
        let threads = BLASThreads.current
        return threads == 1 ? nil
            : "precision float32 needs one OpenBLAS thread (sgemm's bits depend on the thread count), got \(threads)"
    }
}
