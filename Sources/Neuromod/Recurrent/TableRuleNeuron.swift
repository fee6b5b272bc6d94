/// One linear threshold neuron learning by a seed 002 table rule (§3.1, Table 1): the setting in
/// which the Perceptron and Multiplicative Weights are plasticity rules.
///
///     p(x) = +1 if w · x > θ, else −1        (the neuron fires iff p(x) = +1)
///     on a mistake (p(x) ≠ y), every input i:  w_i ← update(w_i, η · r[s_i][s_post])
///
/// with s_i = 1 iff x_i > 0 (x_i ∈ {−1, 1} for the Perceptron, {0, 1} for MW) and s_post = 1 iff
/// the neuron fired. The rule's output term is `r[pre_history][post_history]` on a 2 × 2 table
/// (``TableRuleParts``; gate `misclassified` or `all`).
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `weights` | 0 (additive), 1 (multiplicative, factor) | w, one per input |
/// | `threshold` | 0 | θ |
public struct TableRuleNeuron: Sendable {
    public var weights: [Double]
    public let threshold: Double
    public let parts: TableRuleParts

    public init(rule: PlasticityRule, inputs: Int, threshold: Double = 0, initialWeight: Double? = nil) throws {
        parts = try TableRuleParts.resolve(rule, rounds: 1, outputColumn: .postHistory)
        guard parts.output != nil else { throw NetworkError.unsupported("rule '\(rule.name)': a single neuron needs a term on its output projection") }
        guard inputs > 0 else { throw NetworkError.invalidSize(layer: 0, size: inputs) }
        self.threshold = threshold
        weights = [Double](repeating: initialWeight ?? (parts.update == .additive ? 0 : 1), count: inputs)
    }

    /// p(x) ∈ {−1, +1}.
    public func predict(_ x: [Double]) -> Int {
        var sum = 0.0
        for i in weights.indices { sum += weights[i] * x[i] }
        return sum > threshold ? 1 : -1
    }

    /// One example with label y ∈ {−1, +1}; returns whether the weights changed (the gate opened).
    @discardableResult
    public mutating func step(_ x: [Double], label y: Int) -> Bool {
        precondition(x.count == weights.count, "x has \(x.count) entries, expected \(weights.count)")
        let p = predict(x)
        if parts.gate == .misclassified && p == y { return false }
        let table = parts.output!, post = p > 0 ? 1 : 0
        for i in weights.indices {
            weights[i] = parts.update.apply(weights[i], rate: parts.rate, term: table[x[i] > 0 ? 1 : 0][post])
        }
        return true
    }
}
