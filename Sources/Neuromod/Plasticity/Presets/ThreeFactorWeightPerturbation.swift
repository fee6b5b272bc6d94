/// **Three-factor weight perturbation** (thesis Algorithm 2): weight perturbation whose eligibility
/// also holds the Hebbian product of the synapse's two rates.
///
///     φ_ij = x_i · x_j · ε_ij / σ    (x: rates of the perturbed pass; biases: x_i = 1)
///     M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `variant` | — | `output-unit` | reading of the Hebbian factor (``HebbianVariant``) |
/// | `learningRate` | — | — | η |
/// | `sigma` | weight units | — | σ |
/// | `baseline` | — | batch mean | R̄ |
/// | `loss` | — | MSE | L |
/// | `distribution` | — | `.gaussian` | the probe's ε: N(0, σ²) or ±σ (see ``weightPerturbation(learningRate:sigma:baseline:loss:distribution:)``) |
///
/// Local: ε_ij and the two rates. Broadcast: M. Probe `synapses` (Gaussian by default). Forward-pass
/// equivalents 1.75 (thesis §3). The thesis argues the rule is biased; `neuromod gradcheck`
/// measures it against weight perturbation's expectation σ∇L.
///
/// See also: ``weightPerturbation(learningRate:sigma:baseline:loss:distribution:)``.
extension PlasticityRule {
    /// Three-factor weight perturbation (thesis Algorithm 2).
    ///
    /// - Parameters:
    ///   - variant: the reading of the Hebbian factor, `output-unit` by default.
    ///   - learningRate: η.
    ///   - sigma: σ, the probe's standard deviation (Gaussian) or magnitude (Rademacher), in weight units.
    ///   - baseline: R̄, the batch mean by default.
    ///   - loss: L, MSE by default.
    ///   - distribution: the probe's ε, N(0, σ²) (default) or ±σ.
    /// - Returns: the rule, named `three-factor-wp(VARIANT)` (`three-factor-wp(VARIANT, rademacher)` with the Rademacher probe).
    public static func threeFactorWeightPerturbation(_ variant: HebbianVariant = .outputUnit, learningRate: Double,
                                                     sigma: Double, baseline: Modulation.Baseline = .batchMean,
                                                     loss: Loss = .meanSquaredError,
                                                     distribution: SynapticNoise.Distribution = .gaussian) -> PlasticityRule {
        func term(_ factors: [LocalTerm.Factor]) -> LocalTerm { LocalTerm([.init(sigmaPower: 1, factors: factors)]) }
        let pre = LocalTerm.Factor.pre(.init(.rate)), post = LocalTerm.Factor.post(.init(.rate))
        let local: [SelectedTerm]
        switch variant {
        case .literal: local = [SelectedTerm(.all, term([pre, post, .synapticNoise]))]
        case .outputUnit:
            local = [SelectedTerm(.output, term([.synapticNoise])), SelectedTerm(.all, term([pre, post, .synapticNoise]))]
        case .sigmoidPost:
            local = [SelectedTerm(.activation(.sigmoid), term([pre, post, .synapticNoise])),
                     SelectedTerm(.all, term([pre, .synapticNoise]))]
        case .absolutePost: local = [SelectedTerm(.all, term([pre, .post(.init(.rate, absolute: true)), .synapticNoise]))]
        }
        return PlasticityRule(
            name: distribution == .gaussian ? "three-factor-wp(\(variant.rawValue))"
                                            : "three-factor-wp(\(variant.rawValue), \(distribution.rawValue))",
            probe: .synapses(distribution, sigma: sigma, antithetic: false),
            local: local, modulator: Modulation(baseline: baseline), optimizer: .sgd(learningRate: learningRate),
            loss: loss, compute: 1.75)
    }
}

/// Readings of the Hebbian factor of thesis Algorithm 2 (E = x_in · x_out).
///
/// Read literally, the linear output layer's x_out is unbounded and changes sign, and the rule
/// diverges in most runs. The repairs keep the Hebbian factor where it is a bounded rate:
/// - `literal`: φ = x_i x_j ε/σ on every layer, as printed.
/// - `output-unit` (default): the output layer's eligibility is 1 (plain weight perturbation there).
/// - `sigmoid-post`: the postsynaptic factor x_j only where the postsynaptic layer is sigmoid;
///   elsewhere φ = x_i ε/σ.
/// - `abs-post`: φ = x_i |x_j| ε/σ (the sign of the output no longer flips the update).
public enum HebbianVariant: String, Sendable, Equatable, CaseIterable {
    case literal
    case outputUnit = "output-unit"
    case sigmoidPost = "sigmoid-post"
    case absolutePost = "abs-post"
}
