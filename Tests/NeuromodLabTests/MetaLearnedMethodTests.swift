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

    /// A `table` method reads a learned rule back from a `rules.json` (`rules_file`,
    /// `rules_method`), and refuses a missing file, a foreign file, an unknown rule and another T
    /// in one line each.
    @Test func tableMethodsReadLearnedRulesFromAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("meta-rules-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = [LearnedRule(method: "out", source: "halfspace", recurrent: nil, output: [[-1, 2], [3, -4]], networkParameters: nil, losses: [1], seconds: 0),
                     LearnedRule(method: "deep", source: "halfspace", recurrent: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
                                 output: [[1, -1], [2, -2], [3, -3], [4, -4]], networkParameters: nil, losses: [1], seconds: 0)]
        let file = folder.appendingPathComponent("rules.json").path, junk = folder.appendingPathComponent("junk.json").path
        try ResultWriter.jsonEncoder.encode(rules).write(to: URL(fileURLWithPath: file))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: junk))
        func method(_ fields: String) -> String { PlasticityRulesStudyTests.spec(methods: "  - {name: m, rule: table, \(fields)}") }
        let spec = try PlasticityRulesSpec.parse(method("rounds: 2, rules_file: \(file), rules_method: deep"), file: "rules.yaml")
        guard case .rule(let rule, _, _) = spec.methods[0].learning else { Issue.record("not a rule method"); return }
        #expect(rule.tables["ro"]?.entries == rules[1].output && rule.tables["r"]?.entries == rules[1].recurrent)
        let cases: [(String, String)] = [
            ("rounds: 1, rules_file: /nonexistent/rules.json", "rules.yaml:13: methods[0].rules_file: rules file not found: /nonexistent/rules.json"),
            ("rounds: 1, rules_file: \(junk)", "rules.yaml:13: methods[0].rules_file: \(junk) is not a rules.json written by a plasticity-rules study"),
            ("rounds: 1, rules_file: \(file)", "rules.yaml:13: methods[0].rules_file: \(file) holds 2 rules ('out', 'deep'); name one with rules_method"),
            ("rounds: 1, rules_file: \(file), rules_method: zz", "rules.yaml:13: methods[0].rules_method: no rule 'zz' in \(file); it has 'out', 'deep'"),
            ("rounds: 1, rules_file: \(file), rules_method: deep", "rules.yaml:13: methods[0].rules_file: rule 'deep' in \(file) has 4 history states; this method's rounds give 2"),
            ("rounds: 1, rules_method: out, output_table: [[1, -1], [-1, 1]]", "rules.yaml:13: methods[0].rules_method: rules_method names a rule of a rules_file"),
            ("rounds: 1, rules_file: \(file), output_table: [[1, -1], [-1, 1]]", "rules.yaml:13: methods[0].output_table: give the tables inline or by rules_file, not both"),
        ]
        for (fields, message) in cases { #expect(PlasticityRulesStudyTests().error(method(fields)) == message) }
    }

    /// A rule written to `rules.json` and read back by a `table` method trains exactly as the
    /// `meta-learned` method that learned it (every method of a run draws the same network and orders).
    @Test func aReusedRuleTrainsAsTheMethodThatLearnedIt() throws {
        let learned = try PlasticityRulesSpec.parse(PlasticityRulesStudyTests.spec(methods: """
          - {name: deep, rounds: 2, rule: meta-learned, meta: {source: halfspace, epochs: 2}}
        """), file: "rules.yaml").run(jobs: 2) { _ in }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("meta-reuse-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try learned.dataFiles().first { $0.name == "rules.json" }!.data.write(to: file)
        let reused = try PlasticityRulesSpec.parse(PlasticityRulesStudyTests.spec(methods: """
          - {name: deep, rounds: 2, rule: table, rules_file: \(file.path)}
        """), file: "rules.yaml").run(jobs: 2) { _ in }
        #expect(learned.learnedRules[0].recurrent != nil)
        #expect(reused.epochs.map(\.testAccuracy) == learned.epochs.map(\.testAccuracy))
        #expect(reused.epochs.map(\.onlineAccuracy) == learned.epochs.map(\.onlineAccuracy))
    }
}
