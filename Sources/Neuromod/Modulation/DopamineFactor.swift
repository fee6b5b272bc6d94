/// Which of seed 003's descriptions of dopaminergic plasticity a ``DopaminergicRule`` follows.
///
/// The seed describes the rule three ways that do not agree (`../shared/seeds/NOTES.md`). With
/// z the softmax output, ℓ the one-hot label, L the cross-entropy loss and err_j² = (z_j − ℓ_j)²,
/// the dopamine factor m_j of output j is:
///
/// | reading | m_j | source |
/// |---|---|---|
/// | `printed` | 1 if err_j² < 1/4 and L > ε0, else 0 | the displayed formula of §3.2 |
/// | `text` | 1 if err_j² ≤ 1/4 and L ≤ ε0, else 0 | the prose of §3.2 |
/// | `graded` | 1/4 − Σ_k err_k² (the example's squared error) | the introduction: "rewarded if the result was good, and actually also punished if it was not" |
/// | `graded-per-output` | 1/4 − err_j² | the introduction, with §3.2's per-output error |
public enum DopaminergicReading: String, Sendable, Equatable, CaseIterable {
    case printed
    case text
    case graded
    case gradedPerOutput = "graded-per-output"
}

/// Which output neurons count as having fired, so that their incoming links can change.
public enum OutputFiring: String, Sendable, Equatable, CaseIterable {
    /// Only the predicted class (the softmax winner) fires: a link fired when both of its neurons
    /// did, as the seed's introduction defines it.
    case winner
    /// Every output counts as firing; only presynaptic firing gates the update (the literal §3.2).
    case every
}

/// The dopamine factor of dopaminergic plasticity (seed 003, §3.2): one value m_j per output unit,
/// made from the softmax output, the label and the loss — the per-output modulator of the preset
/// ``PlasticityRule/dopaminergic(reading:outputFiring:lossThreshold:rate:firingThreshold:)``.
public struct DopaminergicRule: Sendable, Equatable {
    public var reading: DopaminergicReading
    public var outputFiring: OutputFiring
    /// ε0: the loss below which an outcome counts as good (`printed`, `text`); the seed's is 0.75.
    public var lossThreshold: Double

    public init(reading: DopaminergicReading, outputFiring: OutputFiring = .winner, lossThreshold: Double = 0.75) {
        self.reading = reading
        self.outputFiring = outputFiring
        self.lossThreshold = lossThreshold
    }

    /// Writes the dopamine factor m_j of every output j into `factor`, for one example with softmax
    /// output `z`, label `label` and loss `loss` (already gated by ``outputFiring``).
    public func dopamineFactors(probabilities z: UnsafeBufferPointer<Double>, label: Int, loss: Double,
                                into factor: UnsafeMutableBufferPointer<Double>) {
        var squaredError = 0.0
        for j in z.indices { let e = z[j] - (j == label ? 1 : 0); squaredError += e * e }
        for j in z.indices {
            let e = z[j] - (j == label ? 1 : 0), e2 = e * e
            switch reading {
            case .printed: factor[j] = e2 < 0.25 && loss > lossThreshold ? 1 : 0
            case .text: factor[j] = e2 <= 0.25 && loss <= lossThreshold ? 1 : 0
            case .graded: factor[j] = 0.25 - squaredError
            case .gradedPerOutput: factor[j] = 0.25 - e2
            }
        }
        if outputFiring == .winner {
            var winner = 0
            for j in z.indices where z[j] > z[winner] { winner = j }
            for j in z.indices where j != winner { factor[j] = 0 }
        }
    }
}
