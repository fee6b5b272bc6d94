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

/// Dopaminergic plasticity of a readout layer (seed 003, §3.2): a link i → j that fired during the
/// current example changes by ε1·m_j, where m_j is the dopamine factor of ``DopaminergicReading``.
///
/// Presynaptic neuron i fires when its activity exceeds `firingThreshold`; the bias is a link from a
/// unit that always fires. The change does not scale with the activity: a link that fired is
/// strengthened (or weakened) by the same amount whatever the rates.
public struct DopaminergicRule: Sendable, Equatable {
    public var reading: DopaminergicReading
    public var outputFiring: OutputFiring
    /// ε0: the loss below which an outcome counts as good (`printed`, `text`).
    public var lossThreshold: Double
    /// ε1: the change of a link that fired, per unit of dopamine factor.
    public var rate: Double
    /// A hidden neuron fires when its activity is above this.
    public var firingThreshold: Double

    /// The seed's settings are ε0 = 0.75 and ε1 = 1.
    public init(reading: DopaminergicReading, outputFiring: OutputFiring = .winner, lossThreshold: Double = 0.75,
                rate: Double = 1, firingThreshold: Double = 0) {
        self.reading = reading
        self.outputFiring = outputFiring
        self.lossThreshold = lossThreshold
        self.rate = rate
        self.firingThreshold = firingThreshold
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

/// Hyperparameters of Adam (Kingma & Ba 2015); the defaults are the paper's.
public struct AdamSettings: Sendable, Equatable {
    public var rate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(rate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.rate = rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

/// How a ``SoftmaxReadout`` learns from a minibatch (hidden activity h, softmax output z, labels ℓ).
public enum ReadoutRule: Sendable, Equatable {
    /// Δw_ji = ε1·m_j·1[h_i fired], summed over the minibatch; no gradient is computed.
    case dopaminergic(DopaminergicRule)
    /// SignSGD (seed 003, eq. 5): w_ji ← w_ji − ε′·sign(Σ_n (z_j − ℓ_j)·h_i), the sign of the
    /// minibatch's cross-entropy gradient.
    case signSGD(rate: Double)
    /// Adam on the mean cross-entropy gradient of the minibatch: the backprop baseline.
    case adam(AdamSettings)
}
