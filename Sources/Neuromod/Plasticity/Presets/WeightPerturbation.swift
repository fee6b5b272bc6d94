/// **Weight perturbation** (thesis Algorithm 1; Jabri & Flower 1992).
///
/// Every weight and bias of every instance is perturbed by ε ~ N(0, σ²) in one pass; the change in
/// loss, broadcast as M = R − R̄, tells each synapse whether its own perturbation helped.
///
///     φ_ij = ε_ij / σ          M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄,  R = −L
///     E[Δw] ≈ −η σ ∇L          (thesis eq. 15; ×(B − 1)/B with a batch-mean baseline)
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | weight units | — | σ, the perturbation's standard deviation |
/// | `baseline` | — | batch mean | R̄ (``Modulation/Baseline``) |
/// | `loss` | — | MSE | L |
///
/// Local: ε_ij (the synapse's own draw). Broadcast: M. Term `eps / sigma`, probe `synapses`
/// (Gaussian). Forward-pass equivalents 1.5 (thesis §3).
///
/// See also: ``threeFactorWeightPerturbation(_:learningRate:sigma:baseline:loss:)``,
/// ``evolutionStrategies(learningRate:sigma:baseline:loss:)``, ``antitheticSPSA(learningRate:step:loss:)``.
extension PlasticityRule {
    public static func weightPerturbation(learningRate: Double, sigma: Double, baseline: Modulation.Baseline = .batchMean,
                                          loss: Loss = .meanSquaredError) -> PlasticityRule {
        PlasticityRule(
            name: "weight-perturbation", probe: .synapses(.gaussian, sigma: sigma, antithetic: false),
            local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 1, factors: [.synapticNoise])]))],
            modulator: Modulation(baseline: baseline), optimizer: .sgd(learningRate: learningRate), loss: loss)
    }
}
