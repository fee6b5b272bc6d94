/// **Reward-modulated Hebbian learning** (RMHL; Legenstein et al. 2010, the baseline of seed 004):
/// a softmax policy acts with its pre-activation noise on; each synapse keeps the product of its
/// postsynaptic noise and presynaptic rate in a trace.
///
///     φ_ij = ξ_j · x_i      e = K * φ      M = (R − R̄) [/ |R|]
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `sigma` | drive units | — | σ of every population's pre-activation noise |
/// | `trace` | s | episode sum | eligibility kernel K |
/// | `baselineRate` | — | 0.66 | γ of the running average R̄ |
/// | `normalization` | — | by magnitude | divide the RPE by \|R\| |
/// | `dopamine` | s | at once, a pulse | delay and decay of the RPE's arrival |
///
/// Local: ξ_j, x_i. Broadcast: M, as dopamine. Term `post_noise * pre`, probe `intrinsic`, acting
/// on the noisy pass; biases do not learn.
///
/// See also: ``noiseBasedRewardModulated(learningRate:sigma:trace:baselineRate:normalization:dopamine:fanOutScaling:)``.
extension PlasticityRule {
    public static func rewardModulatedHebbian(learningRate: Double, sigma: Double, trace: TraceKernel = .episodeSum,
                                              baselineRate: Double = 0.66,
                                              normalization: Neuromodulator.Normalization = .byMagnitude,
                                              dopamine: DopamineKinetics = DopamineKinetics()) -> PlasticityRule {
        PlasticityRule(
            name: "rmhl", probe: .intrinsic(sigma: sigma),
            local: [SelectedTerm(.all, LocalTerm([.init(factors: [.post(.init(.noise)), .pre(.init(.rate))])]))],
            trace: trace,
            modulator: Modulation(baseline: .runningAverage(rate: baselineRate), normalization: normalization, dopamine: dopamine),
            optimizer: .sgd(learningRate: learningRate), loss: .crossEntropy, acting: .probed, plasticBiases: false)
    }
}
