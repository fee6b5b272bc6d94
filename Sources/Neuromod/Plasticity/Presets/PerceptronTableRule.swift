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

    /// A seed 002 table rule: `c * NAME[pre_history][column]` terms on the output (and the recurrent)
    /// projection, a gate-only modulator, SGD η.
    public static func seed002(name: String, output: (name: String, column: String, table: [[Double]])?,
                               recurrent: [[Double]]?, learningRate: Double, gate: Modulation.Gate,
                               update: UpdateForm) -> PlasticityRule {
        var local: [SelectedTerm] = [], tables: [String: RuleTable] = [:]
        if let output {
            let column = LocalTerm.TableColumn(rawValue: output.column) ?? .postRole
            local.append(SelectedTerm(.output, LocalTerm([.init(factors: [.table(output.name, column)])])))
            tables[output.name] = RuleTable(output.table)
        }
        if let recurrent {
            local.append(SelectedTerm(.hidden, LocalTerm([.init(factors: [.table("r", .postHistory)])])))
            tables["r"] = RuleTable(recurrent)
        }
        return PlasticityRule(name: name, probe: .none, local: local,
                              modulator: Modulation(source: .constant, baseline: .none, gate: gate),
                              update: update, optimizer: .sgd(learningRate: learningRate), plasticBiases: false, tables: tables)
    }
}
