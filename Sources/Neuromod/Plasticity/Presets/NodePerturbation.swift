/// **Three-factor node perturbation** (thesis Algorithm 3; Williams 1992, Fiete & Seung 2006).
///
/// A clean pass, then a pass with σξ (ξ ~ N(0, 1)) added to every neuron's rate after its transfer
/// function; each synapse correlates its postsynaptic neuron's noise with the broadcast reward.
///
///     φ_ij = a_i · g(a_j) · σξ_j / σ²    (a: clean rates, g = φ′ at the clean pass)
///     M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄                    E[Δw] ≈ −η ∇L (×(B − 1)/B with a batch-mean baseline)
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | rate units | — | σ, the node noise's standard deviation |
/// | `baseline` | — | batch mean | R̄ |
/// | `loss` | — | MSE | L |
///
/// Local: the clean presynaptic rate, the clean postsynaptic sensitivity and the noise injected at
/// the postsynaptic neuron. Broadcast: M. Term `pre_clean * post_deriv_clean * post_noise / sigma^2`,
/// probe `nodes`. Needs elementwise transfer functions (no softmax). Forward-pass equivalents 1.6
/// (thesis §3; two passes are run).
///
/// See also: ``weightPerturbation(learningRate:sigma:baseline:loss:distribution:)``.
extension PlasticityRule {
    public static func nodePerturbation(learningRate: Double, sigma: Double, baseline: Modulation.Baseline = .batchMean,
                                        loss: Loss = .meanSquaredError) -> PlasticityRule {
        let term = LocalTerm([.init(sigmaPower: 2, factors: [
            .pre(.init(.cleanRate)), .post(.init(.cleanDerivative)), .post(.init(.noise))])])
        return PlasticityRule(
            name: "three-factor-np", probe: .nodes(sigma: sigma, site: .output), local: [SelectedTerm(.all, term)],
            modulator: Modulation(baseline: baseline), optimizer: .sgd(learningRate: learningRate), loss: loss)
    }
}
