/// **Noise-based reward-modulated learning** (NRL, seed 004, as in the authors' code): a softmax
/// policy acts on its clean pass; a second pass with pre-activation noise ξ on every layer tells
/// each synapse how the noise changed the probability of the action taken.
///
///     φ_ij = dp · ξ_j · x_i / ‖ξ‖²     dp = log π_noisy(a) − log π_clean(a), x: noisy-pass rates
///     e = K * φ (default: summed over the episode)
///     M = (R − R̄) / |R|,  R̄ ← R̄ + γ (R − R̄)   (seed 004's running average, γ = 0.66)
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | drive units | — | σ of every population's pre-activation noise (the populations carry it) |
/// | `trace` | s | episode sum | eligibility kernel K |
/// | `baselineRate` | — | 0.66 | γ of the running average |
/// | `normalization` | — | by magnitude | divide the RPE by \|R\| |
/// | `dopamine` | s | at once, a pulse | delay and decay of the RPE's arrival |
/// | `fanOutScaling` | — | false | multiply layer ℓ's change by its size n_ℓ (the code's later version) |
///
/// Local: ξ_j, x_i. Per instance: dp and ‖ξ‖² (the same for every synapse of the network at that
/// step). Broadcast: M, as dopamine. Term `dlogp * post_noise * pre / noise_sq` (× `n_post`), probe
/// `intrinsic`, acting on the clean pass; biases do not learn.
///
/// See also: ``rewardModulatedHebbian(learningRate:sigma:trace:baselineRate:normalization:dopamine:)``.
extension PlasticityRule {
    public static func noiseBasedRewardModulated(learningRate: Double, sigma: Double, trace: TraceKernel = .episodeSum,
                                                 baselineRate: Double = 0.66,
                                                 normalization: Neuromodulator.Normalization = .byMagnitude,
                                                 dopamine: DopamineKinetics = DopamineKinetics(),
                                                 fanOutScaling: Bool = false) -> PlasticityRule {
        let term = (fanOutScaling ? "n_post * " : "") + "dlogp * post_noise * pre / noise_sq"
        return PlasticityRule(
            name: "nrl", probe: .intrinsic(sigma: sigma), local: [SelectedTerm(.all, try! LocalTerm(parsing: term))],
            trace: trace,
            modulator: Modulation(baseline: .runningAverage(rate: baselineRate), normalization: normalization, dopamine: dopamine),
            optimizer: .sgd(learningRate: learningRate), loss: .crossEntropy, acting: .clean, plasticBiases: false)
    }
}
