import Neuromod
import NeuromodTasks

/// Example 3: check a rule against the exact gradient. `EstimatorCheck` draws K updates of the rule
/// on one fixed batch and compares their mean with −η·c·∇L computed by backpropagation (c = 1 for
/// node perturbation, times (B − 1)/B for the batch-mean baseline): the cosine between the two
/// directions, and the relative bias with its 95 % interval. A rule is unbiased where the interval
/// holds 0; the cosine approaches 1 as K grows.
enum CheckGradient {
    /// Prints cosine and bias for K = 10 and 1 000 draws of node perturbation at σ = 0.1; returns
    /// whether the bias interval at K = 1 000 holds 0 and the cosine is above 0.9.
    static func run() throws -> Bool {
        let data = try Sinusoid.data()
        let network = try Sinusoid.network()
        // One sample repeated: with distinct samples the batch-mean baseline leaves each instance a
        // share of the loss's spread over the batch, noise that only many more draws average out.
        let rows = Array(repeating: 40, count: 32)
        let input = data.inputs.gatherRows(rows), target = data.targets.gatherRows(rows)
        let rule = PlasticityRule.nodePerturbation(learningRate: 0.2, sigma: 0.1)
        var last: EstimatorStatistics?
        for k in [10, 1_000] {
            let stats = try EstimatorCheck.measure(
                rule: rule, network: network, input: input, target: target, samples: k,
                probeStreams: InstanceStreams(.taus2, seed: 1, base: 1_000, count: rows.count))
            print("gradcheck \(rule.name), K = \(k): cosine \(Sinusoid.rounded(stats.cosine)), "
                  + "relative bias \(Sinusoid.rounded(stats.relativeBias)) ± \(Sinusoid.rounded(stats.biasHalfWidth))")
            last = stats
        }
        guard let last else { return false }
        return last.biasIntervalContainsZero && last.cosine > 0.9
    }
}
