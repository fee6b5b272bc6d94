import Foundation
import Testing
import Neuromod
@testable import NeuromodLab

/// `meta-learned` methods of a plasticity-rules study (seed 002 §2, A.1 "GD to learn a rule"):
/// their spec errors, one line each, and a run that learns rules on one dataset, trains with
/// them, writes them to `rules.json` and does not depend on the number of jobs.
@Suite struct MetaLearnedMethodTests {
    static let method = "{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace}}"
    /// (replacement of ``method`` in ``PlasticityRulesStudyTests/spec(methods:kcap:)``, the message).
    static let cases: [(String, String)] = [
        ("{name: m, rounds: 1, rule: meta-learned}", "rules.yaml:13: methods[0]: required field 'meta' is missing"),
        ("{name: m, rounds: 1, rule: meta-learned, meta: {epochs: 2}}", "rules.yaml:13: methods[0].meta: required field 'source' is missing"),
        ("{name: m, rounds: 1, rule: meta-learned, meta: {source: mnist}}", "rules.yaml:13: methods[0].meta: unknown source dataset 'mnist'; the study has 'halfspace'"),
        ("{name: m, rounds: 1, rule: meta-learned, meta: {source: halfspace, recurrent: table}}", "rules.yaml:13: methods[0].meta.recurrent: at T = 1 the network has no RNN rule; use `none`"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, hidden: 5}}", "rules.yaml:13: methods[0].meta.hidden: only a `network` RNN rule has hidden"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, recurrent: none, learn: [r]}}", "rules.yaml:13: methods[0].meta.learn: `r` cannot learn: the RNN rule is `none`"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, learn: []}}", "rules.yaml:13: methods[0].meta.learn: expected `r`, `ro` or both"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, learn: [x]}}", "rules.yaml:13: methods[0].meta.learn[0]: unknown value 'x' (did you mean 'r'?); expected one of: r, ro"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, weight_decay: -1}}", "rules.yaml:13: methods[0].meta.weight_decay: expected a number ≥ 0, got -1.0"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, nodes: 10, cap: 20}}", "rules.yaml:13: methods[0].meta.cap: the cap must be at most the nodes (10), got 20"),
        ("{name: m, rounds: 2, rule: meta-learned, update: factor, meta: {source: halfspace}}", "rules.yaml:13: methods[0].update: update 'factor' cannot be meta-learned; use additive or multiplicative"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, loss: mse}}", "rules.yaml:13: methods[0].meta.loss: unknown value 'mse'; expected one of: ce-logits, ce-double-softmax"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, recurrent: network, bits: gray}}", "rules.yaml:13: methods[0].meta.bits: unknown value 'gray'; expected one of: msb-first, lsb-first"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, rate: 0}}", "rules.yaml:13: methods[0].meta.rate: expected a positive number, got 0.0"),
        ("{name: m, rounds: 2, rule: meta-learned, meta: {source: halfspace, steps: 3}}", "rules.yaml:13: methods[0].meta.steps: unknown field; allowed: source, nodes, cap, train, epochs, batch, rate, weight_decay, loss, learn, recurrent, hidden, activation, bits, output_start, recurrent_start"),
        ("{name: m, rounds: 2, rule: meta-learned, output_table: [[1, -1]], meta: {source: halfspace}}", "rules.yaml:13: methods[0].output_table: unknown field; allowed: name, rounds, input_weights, rule, rate, meta, update, gate, output_edges, margin"),
    ]

    @Test(arguments: cases.indices)
    func metaFieldErrorIsOneLine(_ n: Int) {
        let (replacement, message) = Self.cases[n]
        #expect(PlasticityRulesStudyTests().error(PlasticityRulesStudyTests.spec(methods: "  - " + replacement)) == message)
    }

    /// A T = 1 output rule and a T = 2 NN rule with its output rule, learned on the halfspace
    /// (400 points, batches of 100, 10 epochs) and used to train: the same numbers and rules with
    /// one job or two, one rule per method (learned once, used by both runs) in `rules.json`, and the T = 1 rule with Thm 1's
    /// sign pattern [−, +; +, −].
    @Test func learnedRulesAreWrittenAndDoNotDependOnJobs() throws {
        let spec = try PlasticityRulesSpec.parse(PlasticityRulesStudyTests.spec(methods: """
          - {name: out, rounds: 1, rule: meta-learned, meta: {source: halfspace, epochs: 10}}
          - {name: nn, rounds: 2, rule: meta-learned, meta: {source: halfspace, epochs: 2, nodes: 20, recurrent: network, hidden: 4, loss: ce-double-softmax}}
        """), file: "rules.yaml")
        let one = try spec.run(jobs: 1) { _ in }, two = try spec.run(jobs: 2) { _ in }
        #expect(one.learnedRules.map(\.output) == two.learnedRules.map(\.output) && one.learnedRules.map(\.recurrent) == two.learnedRules.map(\.recurrent))
        #expect(one.epochs.map(\.testAccuracy) == two.epochs.map(\.testAccuracy))
        #expect(one.learnedRules.map(\.method) == ["out", "nn"])
        #expect(one.learnedRules.allSatisfy { $0.losses.count == ($0.method == "out" ? 10 : 2) })
        let nn = one.learnedRules[1]
        #expect(nn.recurrent?.count == 4 && nn.networkParameters?.count == 4 * 4 + 4 + 4 + 1)
        for ro in one.learnedRules.filter({ $0.method == "out" }).map(\.output) {
            #expect(ro[0][0] < 0 && ro[0][1] > 0 && ro[1][0] > 0 && ro[1][1] < 0, "\(ro)")
        }
        let files = try one.dataFiles()
        let rules = try JSONDecoder().decode([LearnedRule].self, from: files.first { $0.name == "rules.json" }!.data)
        #expect(rules.map(\.output) == one.learnedRules.map(\.output))
    }
}
