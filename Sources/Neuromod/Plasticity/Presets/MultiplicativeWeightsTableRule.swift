/// **Multiplicative Weights as a plasticity rule** (seed 002, §3.1, Table 1, right; Littlestone
/// 1987): one output neuron with threshold θ, inputs x_i ∈ {0, 1}; on a mistake every weight is
/// multiplied by the table entry at (x_i, p(x)):
///
///     r = [[1, 1],        rows x_i = 0, 1; columns p(x) = −1, +1
///          [2, ½]]        an "on" input doubles if the label is +1 (p = −1), halves if −1
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | 1 | η (unused by the factor form; kept for the optimizer) |
///
/// Local: x_i and whether the neuron fired. Broadcast: the gate (misclassified). Term
/// `r[pre_history][post_history]`, update `factor` (w ← w · r), initial w = 1. Runs on
/// ``TableRuleNeuron``.
///
/// See also: ``perceptronTable(learningRate:)``.
extension PlasticityRule {
    public static func multiplicativeWeightsTable(learningRate: Double = 1) -> PlasticityRule {
        .seed002(name: "mw-table", output: ("r", "post_history", [[1, 1], [2, 0.5]]), recurrent: nil,
                 learningRate: learningRate, gate: .misclassified, update: .factor)
    }
}
