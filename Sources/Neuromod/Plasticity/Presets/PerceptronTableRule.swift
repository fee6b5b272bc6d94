/// **The Perceptron as a plasticity rule** (seed 002, §3.1, Table 1, left): one output neuron,
/// inputs x_i ∈ {−1, 1}, prediction p(x) = sign(w · x); on a mistake every weight changes by the
/// table entry at (x_i, p(x)):
///
///     r = [[−1, +1],      rows x_i = −1, +1; columns p(x) = −1, +1
///          [+1, −1]]      Δw_i = η r[x_i][p(x)] = η x_i y   (y = −p(x) on a mistake)
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `learningRate` | — | 0.01 | η |
///
/// Local: x_i's sign and whether the neuron fired. Broadcast: the gate (misclassified). Term
/// `r[pre_history][post_history]` on the output projection, update additive, initial w = 0.
/// Runs on ``TableRuleNeuron``.
///
/// References: Rosenblatt (1962); seed 002 Table 1. See also: ``multiplicativeWeightsTable(learningRate:)``,
/// ``twoNodePerceptron(rounds:reading:recurrent:learningRate:gate:update:)``.
extension PlasticityRule {
    public static func perceptronTable(learningRate: Double = 0.01) -> PlasticityRule {
        .seed002(name: "perceptron-table", output: ("r", "post_history", [[-1, 1], [1, -1]]), recurrent: nil,
                 learningRate: learningRate, gate: .misclassified, update: .additive)
    }
}
