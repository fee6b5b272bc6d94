/// **Evolution strategies** over a batch (review seed 001; Salimans et al. 2017): weight
/// perturbation with ES's normalization.
///
///     φ_ij = ε_ij / σ²   (ε ~ N(0, σ²), i.e. z_ij / σ with z ~ N(0, 1))      M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄
///     E[Δw] ≈ −η ∇L       (×(B − 1)/B with a batch-mean baseline)
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | weight units | — | σ |
/// | `baseline` | — | batch mean | R̄ |
/// | `loss` | — | MSE | L |
///
/// Local: ε_ij. Broadcast: M. Term `eps / sigma^2`, probe `synapses` (Gaussian). Forward-pass
/// equivalents 1.5. ES over a population of networks (rather than a batch of instances) is an
/// optimizer of its own (`Evolution/`).
///
/// See also: ``weightPerturbation(learningRate:sigma:baseline:loss:distribution:)``.
extension PlasticityRule {
    public static func evolutionStrategies(learningRate: Double, sigma: Double, baseline: Modulation.Baseline = .batchMean,
                                           loss: Loss = .meanSquaredError) -> PlasticityRule {
        PlasticityRule(
            name: "evolution-strategies", probe: .synapses(.gaussian, sigma: sigma, antithetic: false),
            local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 2, factors: [.synapticNoise])]))],
            modulator: Modulation(baseline: baseline), optimizer: .sgd(learningRate: learningRate), loss: loss)
    }
}
