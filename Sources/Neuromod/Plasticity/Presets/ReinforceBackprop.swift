/// **REINFORCE with backpropagation** (Williams 1992), the non-local reference of seed 004: the
/// exact ∇ log π(a) of the action taken, by backprop through the policy, in the same trace and
/// dopamine machinery as the local rules.
///
///     φ_ij = ∂ log π(a)/∂z_j · x_i    e = K * φ    M = (R − R̄) [/ |R|]
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | — | η |
/// | `trace` | s | episode sum | eligibility kernel K |
/// | `baselineRate` | — | 0.66 | γ of the running average R̄ |
/// | `normalization` | — | by magnitude | divide the RPE by \|R\| |
/// | `dopamine` | s | at once, a pulse | delay and decay of the RPE's arrival |
///
/// **Not local**: ∂ log π(a)/∂z_j depends on every weight downstream of neuron j. Broadcast: M.
/// Term `post_logp_grad * pre`, probe `none` (the policy acts noiselessly); biases do not learn.
///
/// See also: ``noiseBasedRewardModulated(learningRate:sigma:trace:baselineRate:normalization:dopamine:fanOutScaling:)``.
extension PlasticityRule {
    public static func reinforceBackprop(learningRate: Double, trace: TraceKernel = .episodeSum, baselineRate: Double = 0.66,
                                         normalization: Neuromodulator.Normalization = .byMagnitude,
                                         dopamine: DopamineKinetics = DopamineKinetics()) -> PlasticityRule {
        PlasticityRule(
            name: "reinforce", probe: .none,
            local: [SelectedTerm(.all, LocalTerm([.init(factors: [.post(.init(.logProbabilityGradient)), .pre(.init(.rate))])]))],
            trace: trace,
            modulator: Modulation(baseline: .runningAverage(rate: baselineRate), normalization: normalization, dopamine: dopamine),
            optimizer: .sgd(learningRate: learningRate), loss: .crossEntropy, acting: .probed, plasticBiases: false)
    }
}
