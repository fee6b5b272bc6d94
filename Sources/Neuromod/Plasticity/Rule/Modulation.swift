/// The broadcast third factor of a ``PlasticityRule``: reward → baseline → normalization → gate,
/// one value M⁽ⁿ⁾ per instance.
///
///     R⁽ⁿ⁾ = −L⁽ⁿ⁾ of the probed pass        (supervised tasks)
///     M⁽ⁿ⁾ = (R⁽ⁿ⁾ − R̄) [/ |R⁽ⁿ⁾|] · gate⁽ⁿ⁾
///
/// | part | values | meaning |
/// |---|---|---|
/// | `source` | `negative-loss` (default), `constant`, `dopaminergic(reading, firing)` | R = −L per instance; M = 1; or seed 003's dopamine factor per output unit |
/// | `baseline` | `none`, `batch-mean` (default), `running-average(rate)`, `antithetic` | R̄: 0, the batch's mean reward, an exponential average of past batch means, or — with an antithetic probe — the other pass of the pair: M = (R⁺ − R⁻)/2 |
/// | `normalization` | `none` (default), `by-magnitude` | divide the RPE by \|R\| (seed 004's NRL) |
/// | `gate` | `all` (default), `misclassified` | M = 0 for instances whose probed output's largest entry is the target's (seed 002: plasticity only on mistakes) |
/// | `dopamine` | delay (s), decay (s) | on environments: the RPE arrives after the delay, as a pulse or a concentration decaying with τ (default: at once, a pulse) |
///
/// Nothing about the synapses flows back into M: it is the same number for every synapse of an
/// instance. ``Neuromodulator`` computes the RPE; delivery in time (delays, decaying dopamine) is
/// ``DopamineSignal``'s for rules that run on environments.
public struct Modulation: Sendable, Equatable {
    public var source: Source
    public var baseline: Baseline
    public var normalization: Neuromodulator.Normalization
    public var gate: Gate
    /// When and how the RPE reaches the synapses on environments: after a delay, as a pulse or a
    /// decaying concentration (``DopamineSignal``). Minibatch steps deliver at once.
    public var dopamine: DopamineKinetics

    public init(source: Source = .negativeLoss, baseline: Baseline = .batchMean,
                normalization: Neuromodulator.Normalization = .none, gate: Gate = .all,
                dopamine: DopamineKinetics = DopamineKinetics()) {
        self.source = source
        self.baseline = baseline
        self.normalization = normalization
        self.gate = gate
        self.dopamine = dopamine
    }

    /// What the modulator is made from.
    public enum Source: Sendable, Equatable {
        /// R = −L of the probed pass, per instance (then baseline, normalization, gate).
        case negativeLoss
        /// M = 1 for every instance: the rule's local term alone (e.g. a readout's error rule).
        case constant
        /// Seed 003's dopamine factor m_j, one value per output unit (``DopaminergicRule``'s reading
        /// and output firing); no baseline or normalization.
        case dopaminergic(DopaminergicReading, OutputFiring, lossThreshold: Double)

        /// Whether M has one value per output unit rather than per instance.
        public var perOutput: Bool { if case .dopaminergic = self { return true } else { return false } }
    }

    public enum Baseline: Sendable, Equatable {
        case none
        case batchMean
        case runningAverage(rate: Double)
        /// The antithetic pair's other pass (needs an antithetic synaptic probe).
        case antithetic
    }

    public enum Gate: String, Sendable, Equatable, CaseIterable {
        case all
        case misclassified
    }

    /// The ``Neuromodulator`` that computes this RPE (nil for the antithetic baseline, which the
    /// engine forms from the pair's losses).
    func makeNeuromodulator() -> Neuromodulator? {
        switch baseline {
        case .none: return Neuromodulator(baseline: .none, normalization: normalization)
        case .batchMean: return Neuromodulator(baseline: .batchMean, normalization: normalization)
        case .runningAverage(let rate): return Neuromodulator(baseline: .runningAverage(rate: rate), normalization: normalization)
        case .antithetic: return nil
        }
    }
}
