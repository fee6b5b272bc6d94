/// **The readout's error rule** (the delta rule): a softmax readout's cross-entropy gradient is local
/// — each link sees its presynaptic rate and its output's error — so SignSGD (seed 003, eq. 5) and
/// Adam (seed 003's "SGD" baseline) are this one term under two optimizers.
///
///     φ_ij = −x_i (z_j − ℓ_j)      M = 1
///     SignSGD: Δw_ij = ε′ · sign(Σ_n φ_ij⁽ⁿ⁾)          Adam: on g = −(1/B) Σ_n φ_ij⁽ⁿ⁾
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `optimizer` | — | — | `.signSGD(rate: ε′)` (sums the minibatch) or `.adam(settings)` (averages it) |
///
/// Local: the presynaptic rate and the postsynaptic output's error z_j − ℓ_j (a readout has one).
/// Broadcast: nothing (M = 1). Term `-pre * post_error` on the projection into the output, probe
/// `none`. Deeper than one layer the error is not local: that is backprop's job.
///
/// See also: ``dopaminergic(reading:outputFiring:lossThreshold:rate:firingThreshold:)``.
extension PlasticityRule {
    public static func readoutGradient(_ optimizer: Optimizer) -> PlasticityRule {
        let name: String
        switch optimizer {
        case .sgd: name = "readout-sgd"
        case .signSGD: name = "sign-sgd"
        case .adam: name = "adam"
        }
        let reduction: BatchReduction
        if case .signSGD = optimizer { reduction = .sum } else { reduction = .mean }
        return PlasticityRule(
            name: name, probe: .none,
            local: [SelectedTerm(.output, LocalTerm([.init(coefficient: -1, factors: [.pre(.init(.rate)), .post(.init(.error))])]))],
            modulator: Modulation(source: .constant, baseline: .none), optimizer: optimizer, loss: .crossEntropy,
            reduction: reduction)
    }
}
