/// **A seed 002 table rule** (§2 "Landscape of rules", A.1): the shared declaration behind the
/// Perceptron, MW and two-node Perceptron presets and the `table` methods of plasticity-rules
/// studies. Probe `none`; the local term is `NAME[pre_history][COLUMN]` on the output projection
/// (`post_role` on a k-cap readout, `post_history` on a single neuron) and `r[pre_history][post_history]`
/// on the recurrent one; the modulator is the gate alone; SGD η.
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `output` | — | — | the output table's name, column index kind and entries (nil: U does not learn) |
/// | `recurrent` | — | — | r, 2^T × 2^T (nil: W does not learn) |
/// | `learningRate` | — | — | η |
/// | `gate` | — | — | `misclassified` or `all` |
/// | `update` | — | — | additive, multiplicative (one-plus-eta) or factor |
///
/// Local: the two units' histories (or the unit's history and its readout node's role). Broadcast:
/// the gate. Runs on ``KCapEngine`` and ``TableRuleNeuron``.
extension PlasticityRule {
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
