/// A perturbation-based learning rule expressed as a local three-factor process:
///
///     Δw_ij = η · (1/B) Σ_n M⁽ⁿ⁾ · φ_ij⁽ⁿ⁾
///
/// where φ_ij is computed at the synapse from what it can see (pre- and postsynaptic activity and the
/// noise injected at it or at its neuron) and M⁽ⁿ⁾ is the broadcast modulator of instance n
/// (``Neuromodulator``: R − R̄ with R = −L). The trace kernel is "none" here: the eligibility of a
/// step is its local term.
///
/// | preset | probe (where noise enters) | local term φ_ij | modulator M |
/// |---|---|---|---|
/// | `weight-perturbation` (thesis Alg. 1) | every weight and bias, ε ~ N(0, σ²) | ε_ij / σ | R − R̄ |
/// | `three-factor-wp` (thesis Alg. 2) | every weight and bias | x_i · x_j · ε_ij / σ (see ``HebbianVariant``) | R − R̄ |
/// | `three-factor-np` (thesis Alg. 3) | every neuron's rate after φ, σξ, ξ ~ N(0, 1) | a_i · g(a_j) · ξ_j / σ (clean a) | R − R̄ |
/// | `spsa` (review, antithetic) | every weight, ±c·Δ, Δ Rademacher | Δ_ij / c | (R⁺ − R⁻)/2 |
/// | `evolution-strategies` (review) | every weight, σ·ε, ε ~ N(0, 1) | ε_ij / σ (i.e. perturbation / σ²) | R − R̄ |
///
/// x_i is the presynaptic rate and x_j the postsynaptic rate of the perturbed pass; a_i, a_j those of
/// the clean pass; g(a) = φ′ (a(1 − a) for sigmoid, 1 for linear). Biases use the same terms with
/// x_i = 1. For weight perturbation E[ΔW] ≈ −ησ ∇L (the thesis's scaling); for node perturbation,
/// SPSA and evolution strategies E[ΔW] ≈ −η ∇L.
public struct ThreeFactorRule: Sendable, Equatable {
    public enum Preset: Sendable, Equatable {
        case weightPerturbation
        case threeFactorWeightPerturbation(HebbianVariant)
        case threeFactorNodePerturbation
        case antitheticSPSA
        case evolutionStrategies
    }

    public var preset: Preset
    /// η.
    public var learningRate: Double
    /// σ, the probe's scale (the step c for SPSA).
    public var sigma: Double
    public var baseline: Neuromodulator.Baseline
    public var loss: Loss

    public init(_ preset: Preset, learningRate: Double, sigma: Double, baseline: Neuromodulator.Baseline = .batchMean,
                loss: Loss = .meanSquaredError) {
        self.preset = preset
        self.learningRate = learningRate
        self.sigma = sigma
        self.baseline = baseline
        self.loss = loss
    }

    /// The reading of Algorithm 2 used when a spec names none: the one whose behaviour matches the
    /// thesis's description of 3F-WP (converges, slowly, to near weight perturbation's loss); see README.
    public static let defaultHebbianVariant = HebbianVariant.outputUnit

    /// Forward-pass equivalents per instance and update, for loss-against-compute curves: the thesis's
    /// counts (§3: WP 1.5, 3F-WP 1.75, NP 1.6, BP 2); SPSA runs two perturbed passes (2 × 1.5 = 3);
    /// ES costs what WP costs.
    public var forwardPassEquivalents: Double {
        switch preset {
        case .weightPerturbation, .evolutionStrategies: return 1.5
        case .threeFactorWeightPerturbation: return 1.75
        case .threeFactorNodePerturbation: return 1.6
        case .antitheticSPSA: return 3
        }
    }
}

/// Readings of the Hebbian factor of thesis Algorithm 2 (E = x_in · x_out).
///
/// Read literally, the linear output layer's x_out is unbounded and changes sign, and the rule
/// diverges in most runs. The repairs keep the Hebbian factor where it is a bounded rate:
/// - `literal`: φ = x_i x_j ε/σ on every layer, as printed.
/// - `output-unit`: the output layer's eligibility is 1 (plain weight perturbation there).
/// - `sigmoid-post`: the postsynaptic factor x_j only where the postsynaptic layer is sigmoid;
///   elsewhere φ = x_i ε/σ.
/// - `abs-post`: φ = x_i |x_j| ε/σ (the sign of the output no longer flips the update).
public enum HebbianVariant: String, Sendable, Equatable, CaseIterable {
    case literal
    case outputUnit = "output-unit"
    case sigmoidPost = "sigmoid-post"
    case absolutePost = "abs-post"
}
