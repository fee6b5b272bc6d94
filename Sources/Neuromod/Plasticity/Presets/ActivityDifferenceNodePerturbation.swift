/// **Activity-difference node perturbation** (ANP; Dalm, van Gerven & Ahmad 2023, cited by review
/// seed 001 as [40]): node perturbation that correlates the reward with the whole change of each
/// neuron's drive — the noise injected there plus the change propagated from the layers below —
/// instead of the injected noise alone.
///
///     z̃_j = Σ_i w_ij x̃_i + b_j + σξ_j     (noise on the drive, after a clean pass z_j)
///     φ_ij = a_i · (z̃_j − z_j) / σ²         M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄
///
/// In the first layer z̃ − z = σξ and ANP is node perturbation on the drive; deeper, the propagated
/// part correlates neighbouring neurons' changes, so without the decorrelation of Dalm et al. the
/// estimate is biased (`neuromod gradcheck` measures it).
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | drive units | — | σ, the noise's standard deviation on every drive |
/// | `baseline` | — | batch mean | R̄ |
/// | `loss` | — | MSE | L |
///
/// Local: the clean presynaptic rate and the postsynaptic drive's change. Broadcast: M. Term
/// `pre_clean * post_drive_diff / sigma^2`, probe `nodes` on the pre-activation. Forward-pass
/// equivalents 1.6 (as node perturbation).
///
/// See also: ``nodePerturbation(learningRate:sigma:baseline:loss:)``.
extension PlasticityRule {
    public static func activityDifferenceNodePerturbation(learningRate: Double, sigma: Double,
                                                          baseline: Modulation.Baseline = .batchMean,
                                                          loss: Loss = .meanSquaredError) -> PlasticityRule {
        PlasticityRule(
            name: "activity-difference-np", probe: .nodes(sigma: sigma, site: .preActivation),
            local: [SelectedTerm(.all, try! LocalTerm(parsing: "pre_clean * post_drive_diff / sigma^2"))],
            modulator: Modulation(baseline: baseline), optimizer: .sgd(learningRate: learningRate), loss: loss)
    }
}
