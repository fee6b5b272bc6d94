/// The broadcast third factor: turns per-instance reward into one modulatory scalar per instance.
///
///     R⁽ⁿ⁾ = −L⁽ⁿ⁾                         reward
///     M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄                      reward prediction error against a baseline R̄
///
/// Baselines:
/// - `batchMean`: R̄ = (1/B) Σ_n R⁽ⁿ⁾ over the current batch (thesis Algorithms 1–3).
/// - `runningAverage(rate)`: R̄ is an exponential average of past batch means, R̄ ← R̄ + rate·(mean R − R̄),
///   starting at the first batch's mean; the RPE uses R̄ from before the current batch.
///
/// What is broadcast is one number per instance; every subscribed synapse multiplies it into its
/// own eligibility. Nothing about the synapses flows back.
public final class Neuromodulator {
    public enum Baseline: Sendable, Equatable {
        case batchMean
        case runningAverage(rate: Double)
    }

    public let baseline: Baseline
    /// The running baseline R̄ (nil before the first batch, or with a batch-mean baseline).
    public private(set) var average: Double?

    public init(baseline: Baseline = .batchMean) { self.baseline = baseline }

    /// M⁽ⁿ⁾ = R⁽ⁿ⁾ − R̄ for rewards R⁽ⁿ⁾ = −losses⁽ⁿ⁾, written into `modulation`.
    public func broadcast(losses: [Double], into modulation: inout [Double]) {
        if modulation.count != losses.count { modulation = Array(repeating: 0, count: losses.count) }
        let batchMean = -losses.reduce(0, +) / Double(max(losses.count, 1))
        let reference: Double
        switch baseline {
        case .batchMean:
            reference = batchMean
        case .runningAverage(let rate):
            reference = average ?? batchMean
            average = reference + rate * (batchMean - reference)
        }
        for n in losses.indices { modulation[n] = -losses[n] - reference }
    }

    /// Forgets the running baseline.
    public func reset() { average = nil }
}
