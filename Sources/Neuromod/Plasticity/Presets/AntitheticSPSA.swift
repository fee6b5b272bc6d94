/// **Antithetic SPSA** (review seed 001; Spall 1992): every weight is perturbed by ±c (Rademacher)
/// in a pair of passes, +cΔ then −cΔ; the pair's reward difference is the modulator. The signs come
/// from raw generator bits (``RandomGenerator/fillSignBits(_:count:)``, 64 per two 32-bit draws) and
/// are kept as bits (``SynapticNoise/signs``), as for the Rademacher weight-perturbation probes.
///
///     φ_ij = ε_ij / c²  (ε = ±c)      M⁽ⁿ⁾ = (R⁺ − R⁻) / 2
///     E[Δw] ≈ −η ∇L
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `step` | weight units | — | c, the perturbation's magnitude (spec field `sigma`) |
/// | `loss` | — | MSE | L |
///
/// Local: ε_ij. Broadcast: M (the pair is its own baseline). Term `eps / sigma^2`, probe
/// `synapses` (Rademacher, antithetic), baseline `antithetic`. Forward-pass equivalents 3 (two
/// probed passes of 1.5).
///
/// See also: ``weightPerturbation(learningRate:sigma:baseline:loss:distribution:)``.
extension PlasticityRule {
    public static func antitheticSPSA(learningRate: Double, step: Double, loss: Loss = .meanSquaredError) -> PlasticityRule {
        PlasticityRule(
            name: "spsa", probe: .synapses(.rademacher, sigma: step, antithetic: true),
            local: [SelectedTerm(.all, LocalTerm([.init(sigmaPower: 2, factors: [.synapticNoise])]))],
            modulator: Modulation(baseline: .antithetic), optimizer: .sgd(learningRate: learningRate), loss: loss)
    }
}
