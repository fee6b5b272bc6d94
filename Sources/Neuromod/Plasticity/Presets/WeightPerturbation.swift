/// **Weight perturbation** (thesis Algorithm 1; Jabri & Flower 1992).
///
/// Every weight and bias of every instance is perturbed by ε ~ N(0, σ²) in one pass; the change in
/// loss, broadcast as M = R − R̄, tells each synapse whether its own perturbation helped.
///
///     φ_ij = ε_ij / σ          M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄,  R = −L
///     E[Δw] ≈ −η σ ∇L          (thesis eq. 15; ×(B − 1)/B with a batch-mean baseline)
///
/// **Rademacher probe** (`distribution: .rademacher`): ε = ±σ with probability ½ each — σ is the step
/// c, as in SPSA — drawn from raw generator bits (64 signs per two 32-bit draws,
/// ``RandomGenerator/fillSignBits(_:count:)``) and kept as bits (``SynapticNoise/signs``). The
/// estimator is the same: E[ε εᵀ] = σ² I for both probes, so to first order in σ the expected update
/// is −ησ∇L either way; only the variance differs (E[ε⁴] = σ⁴ against 3σ⁴ on the diagonal).
/// It is far cheaper: no normals are drawn and no 8-byte draws are stored or read.
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | weight units | — | σ: the perturbation's standard deviation (Gaussian) or magnitude (Rademacher) |
/// | `baseline` | — | batch mean | R̄ (``Modulation/Baseline``) |
/// | `loss` | — | MSE | L |
/// | `distribution` | — | `.gaussian` | the probe's ε: N(0, σ²) or ±σ (``SynapticNoise/Distribution``) |
///
/// Local: ε_ij (the synapse's own draw). Broadcast: M. Term `eps / sigma`, probe `synapses`
/// (Gaussian by default). Forward-pass equivalents 1.5 (thesis §3).
///
/// See also: ``threeFactorWeightPerturbation(_:learningRate:sigma:baseline:loss:distribution:)``,
/// ``evolutionStrategies(learningRate:sigma:baseline:loss:)``, ``antitheticSPSA(learningRate:step:loss:)``.
extension PlasticityRule {
    /// Weight perturbation (thesis Algorithm 1).
    ///
    /// - Parameters:
    ///   - learningRate: η.
    ///   - sigma: σ, the probe's standard deviation (Gaussian) or magnitude (Rademacher), in weight units.
    ///   - baseline: R̄, the batch mean by default.
    ///   - loss: L, MSE by default.
    ///   - distribution: the probe's ε, N(0, σ²) (default) or ±σ.
    /// - Returns: the rule, named `weight-perturbation` (`weight-perturbation(rademacher)` with the Rademacher probe).
    public static func weightPerturbation(learningRate: Double, sigma: Double, baseline: Modulation.Baseline = .batchMean,
                                          loss: Loss = .meanSquaredError,
                                          distribution: SynapticNoise.Distribution = .gaussian) -> PlasticityRule {
        PlasticityRule(
            name: distribution == .gaussian ? "weight-perturbation" : "weight-perturbation(\(distribution.rawValue))",
            probe: .synapses(distribution, sigma: sigma, antithetic: false),
            local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 1, factors: [.synapticNoise])]))],
            modulator: Modulation(baseline: baseline), optimizer: .sgd(learningRate: learningRate), loss: loss)
    }
}
