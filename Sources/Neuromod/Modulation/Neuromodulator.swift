/// The broadcast third factor: turns reward into one modulatory scalar per instance.
///
///     R⁽ⁿ⁾ = −L⁽ⁿ⁾                         reward (supervised tasks), or an episode's / step's reward
///     M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄                      reward prediction error (RPE) against a baseline R̄
///     M⁽ⁿ⁾ = (R⁽ⁿ⁾ − R̄) / |R⁽ⁿ⁾|            with `normalization = .byMagnitude` (seed 004's NRL form)
///
/// Baselines:
/// - `none`: R̄ = 0.
/// - `batchMean`: R̄ = (1/B) Σ_n R⁽ⁿ⁾ over the current batch (thesis Algorithms 1–3).
/// - `runningAverage(rate)`: R̄ is an exponential average of past rewards (batch means for a batch),
///   R̄ ← R̄ + rate·(R − R̄), starting at the first reward; the RPE uses R̄ from before the update,
///   so the very first reward has RPE 0 (as in seed 004's code).
///
/// What is broadcast is one number per instance; every subscribed synapse multiplies it into its
/// own eligibility. Nothing about the synapses flows back. Delivery in time (delay, decay) is
/// ``DopamineSignal``'s job; several projections or learners may read one modulator.
public final class Neuromodulator {
    public enum Baseline: Sendable, Equatable {
        /// R̄ = 0: the reward itself is broadcast.
        case none
        case batchMean
        case runningAverage(rate: Double)
    }

    /// Whether the RPE is divided by the reward's magnitude.
    public enum Normalization: String, Sendable, Equatable, CaseIterable {
        case none
        /// M = (R − R̄)/|R|; a reward of exactly 0 gives M = R − R̄ (nothing to divide by).
        case byMagnitude = "by-magnitude"
    }

    public let baseline: Baseline
    public let normalization: Normalization
    /// The running baseline R̄ (nil before the first reward, or with a batch-mean baseline).
    public private(set) var average: Double?

    public init(baseline: Baseline = .batchMean, normalization: Normalization = .none) {
        self.baseline = baseline
        self.normalization = normalization
    }

    /// M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄ for rewards R⁽ⁿ⁾ = −losses⁽ⁿ⁾, written into `modulation`.
    public func broadcast(losses: [Double], into modulation: inout [Double]) {
        if modulation.count != losses.count { modulation = Array(repeating: 0, count: losses.count) }
        var total = 0.0
        for n in losses.indices { total += losses[n] }
        let batchMean = -total / Double(max(losses.count, 1))
        let reference = self.reference(updatingWith: batchMean)
        for n in losses.indices { modulation[n] = normalized(-losses[n] - reference, reward: -losses[n]) }
    }

    /// The RPE of one scalar reward (an episode's return, or one step's reward); updates a running
    /// baseline. With a batch-mean baseline a single reward is its own mean, so the RPE is 0.
    public func predictionError(reward: Double) -> Double {
        normalized(reward - reference(updatingWith: reward), reward: reward)
    }

    /// Forgets the running baseline.
    public func reset() { average = nil }

    /// The baseline to compare `mean` with; advances the running average past it.
    private func reference(updatingWith mean: Double) -> Double {
        switch baseline {
        case .none:
            return 0
        case .batchMean:
            return mean
        case .runningAverage(let rate):
            let reference = average ?? mean
            average = reference + rate * (mean - reference)
            return reference
        }
    }

    private func normalized(_ error: Double, reward: Double) -> Double {
        guard normalization == .byMagnitude, reward != 0 else { return error }
        return error / abs(reward)
    }
}
