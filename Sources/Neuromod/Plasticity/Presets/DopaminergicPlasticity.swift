/// **Dopaminergic plasticity** of a readout (seed 003 §3.2): a link i → j that fired during the
/// example changes by ε1·m_j, where m_j is the dopamine factor of output j.
///
///     φ_ij = 1[x_i > θ]      M_j = m_j (``DopaminergicReading``, gated by ``OutputFiring``)
///     Δw_ij = ε1 Σ_n M_j⁽ⁿ⁾ φ_ij⁽ⁿ⁾   (summed over the minibatch, not averaged)
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `reading` | — | — | how m_j is read from the seed (`printed`, `text`, `graded`, `graded-per-output`) |
/// | `outputFiring` | — | `winner` | which outputs fire: the softmax winner, or every output |
/// | `lossThreshold` | nats | 0.75 | ε0, below which an outcome counts as good (`printed`, `text`) |
/// | `rate` | weight units | 1 | ε1, the change of a link that fired per unit of dopamine |
/// | `firingThreshold` | rate units | 0 | θ: a presynaptic neuron fired when its rate is above it |
///
/// Local: whether the presynaptic neuron fired (the bias: a unit that always fires). Broadcast: one
/// dopamine factor per output unit, made from the softmax output, the label and the loss. Term
/// `pre_fired` on the projection into the output, probe `none`. The change does not scale with
/// the rates.
///
/// See also: ``readoutGradient(_:)``.
extension PlasticityRule {
    public static func dopaminergic(reading: DopaminergicReading, outputFiring: OutputFiring = .winner,
                                    lossThreshold: Double = 0.75, rate: Double = 1, firingThreshold: Double = 0) -> PlasticityRule {
        PlasticityRule(
            name: "dopaminergic(\(reading.rawValue), \(outputFiring.rawValue))", probe: .none,
            local: [SelectedTerm(.output, LocalTerm([.init(factors: [.pre(.init(.fired))])]))],
            modulator: Modulation(source: .dopaminergic(reading, outputFiring, lossThreshold: lossThreshold), baseline: .none),
            optimizer: .sgd(learningRate: rate), loss: .crossEntropy, reduction: .sum, firingThreshold: firingThreshold)
    }
}
