import Neuromod

/// One method of a plasticity-rules study: how many rounds, which input weights, and how the
/// network learns — a seed 002 table rule (``KCapEngine``) or a gradient baseline (``KCapGradientDescent``).
/// A `meta-learned` method is a rule whose tables are placeholders until ``meta`` has learned them.
public struct KCapMethod: Sendable, Equatable {
    public enum Learning: Sendable, Equatable {
        /// A table rule (for `meta-learned`: the template whose `ro` and `r` the learned tables replace).
        case rule(PlasticityRule, outputEdges: KCapEngine.OutputEdges, margin: Double)
        case gradient(KCapGradientDescent.Scope, AdamSettings, batch: Int)
    }

    public var name: String
    /// T.
    public var rounds: Int
    public var inputWeights: KCapNetwork.InputWeights
    public var learning: Learning
    /// How a `meta-learned` method learns its tables before training (nil: the tables are given).
    public var meta: KCapMetaLearning?

    /// W and U at the start of a run: 0 for additive rules and the baselines, 1 for multiplicative (A.1).
    public var initialWeight: Double {
        if case .rule(let rule, _, _) = learning, rule.update != .additive { return 1 }
        return 0
    }

    static let ruleNames = ["perceptron", "table", "meta-learned", "gd-output", "gd-full"]

    static let fields = SpecField("methods", "required: one or more; `--methods` runs some of them", [
        SpecField("name", "required: unique, e.g. `T=1`"),
        SpecField("rounds", "required: T, 1…8"),
        SpecField("input_weights", "optional: `normal` (A ~ N(0, 1), the default) or `ones` (Table 2's T=1*)"),
        SpecField("rule", "required: `perceptron` (the two-node Perceptron output rule, Table 1), `table` (declared tables), `gd-output` (Adam on U, Fig. 2) `meta-learned` (tables learned by GD first, `meta`), `gd-output` (Adam on U, Fig. 2) or `gd-full` (Adam on U and W, straight-through the cap)"),
        SpecField("reading", "perceptron, optional: `last-round` (fired in round T, the default) or `any-round`"),
        SpecField("output_table", "table, required: r_o, 2^T rows of 2 (columns: edge to the label's node, to the predicted node)"),
        SpecField("recurrent_table", "perceptron or table, optional: a fixed RNN rule r, 2^T × 2^T (default: W does not learn)"),
        SpecField("rules_file", "table, instead of the tables: a `rules.json` a study with `meta-learned` methods wrote; its r_o and r"),
        SpecField("rules_method", "table with rules_file: which method's rule (optional when the file holds one)"),
        SpecField("update", "rules, optional: `additive` (the default), `multiplicative` (w(1 + η r), the code's) or `factor` (w · r)"),
        SpecField("gate", "rules, optional: `misclassified` (the default) or `all`"),
        SpecField("output_edges", "rules, optional: `label-and-prediction` (the default) or `all-edges` (A.4)"),
        SpecField("margin", "rules with gate `misclassified`, optional: γ ≥ 0, default 0; a correct example whose label leads the runner-up's logit by less than γ updates too, the runner-up as the predicted node (Thm 4)"),
        SpecField("rate", "optional, > 0: η of a rule (default 0.01) or Adam's rate (default 0.01)"),
        SpecField("batch", "gd, optional: minibatch size, default 100"),
        KCapMetaLearning.fields,
    ], list: true)

    /// - Parameter datasets: the study's dataset names (a `meta.source` must be one of them).
    static func parse(_ node: SpecNode, datasets: [String]) throws -> KCapMethod {
        let all = try node.fields(allowed: PlasticityRulesSpec.kind.keys("methods"))
        let ruleName = try all.required("rule", in: node, "(\(ruleNames.joined(separator: ", ")))").choice(ruleNames)
        let own: [String]
        switch ruleName {
        case "perceptron": own = ["reading", "recurrent_table", "update", "gate", "output_edges", "margin"]
        case "table": own = ["output_table", "recurrent_table", "rules_file", "rules_method", "update", "gate", "output_edges", "margin"]
        case "meta-learned": own = ["meta", "update", "gate", "output_edges", "margin"]
        default: own = ["batch"]
        }
        let f = try node.fields(allowed: ["name", "rounds", "input_weights", "rule", "rate"] + own)
        let roundsNode = try f.required("rounds", in: node), rounds = try roundsNode.positiveInt()
        guard rounds <= 8 else { throw roundsNode.error("expected 1…8 rounds (tables are 2^T wide), got \(rounds)") }
        let rate = try f["rate"]?.positiveDouble() ?? 0.01
        let learning: Learning
        var meta: KCapMetaLearning?
        switch ruleName {
        case "gd-output", "gd-full":
            learning = .gradient(KCapGradientDescent.Scope(rawValue: ruleName)!, AdamSettings(rate: rate), batch: try f["batch"]?.positiveInt() ?? 100)
        default:
            let states = 1 << rounds
            let recurrent = try f["recurrent_table"].map { try table($0, rows: states, cols: states) }
            let gate: Modulation.Gate = try choice(f["gate"], default: .misclassified)
            let update: UpdateForm = try choice(f["update"], default: .additive)
            var rule: PlasticityRule
            if ruleName == "meta-learned" {
                let metaNode = try f.required("meta", in: node)
                meta = try KCapMetaLearning.parse(metaNode, rounds: rounds)
                if let source = meta?.source, !datasets.contains(source) {
                    throw metaNode.error("unknown source dataset '\(source)'; the study has \(datasets.map { "'\($0)'" }.joined(separator: ", "))")
                }
                if update == .factor { throw f["update"]!.error("update 'factor' cannot be meta-learned; use additive or multiplicative") }
                let zeros = { (cols: Int) in [[Double]](repeating: [Double](repeating: 0, count: cols), count: states) }
                rule = .seed002(name: "meta-learned", output: ("ro", "post_role", zeros(2)),
                                recurrent: meta!.recurrent == .none ? nil : zeros(states), learningRate: rate, gate: gate, update: update)
            } else if ruleName == "perceptron" {
                rule = .twoNodePerceptron(rounds: rounds, reading: try choice(f["reading"], default: .lastRound), recurrent: recurrent,
                                          learningRate: rate, gate: gate, update: update)
            } else {
                var output: [[Double]], fixed = recurrent
                if let fileNode = f["rules_file"] {
                    if let key = ["output_table", "recurrent_table"].first(where: { f[$0] != nil }) {
                        throw f[key]!.error("give the tables inline or by rules_file, not both")
                    }
                    let learned = try LearnedRule.load(fileNode, method: f["rules_method"], states: states)
                    (output, fixed) = (learned.output, learned.recurrent)
                } else {
                    if let methodNode = f["rules_method"] { throw methodNode.error("rules_method names a rule of a rules_file") }
                    output = try table(try f.required("output_table", in: node), rows: states, cols: 2)
                }
                rule = .seed002(name: "table", output: ("ro", "post_role", output), recurrent: fixed, learningRate: rate, gate: gate, update: update)
            }
            rule.name = try f.required("name", in: node).string()
            let margin = try f["margin"]?.double() ?? 0
            guard margin >= 0, margin.isFinite else { throw f["margin"]!.error("expected a number ≥ 0, got \(margin)") }
            if margin > 0, gate != .misclassified { throw f["margin"]!.error("a margin widens gate 'misclassified'; gate 'all' updates on every example already") }
            learning = .rule(rule, outputEdges: try choice(f["output_edges"], default: .labelAndPrediction), margin: margin)
        }
        return KCapMethod(name: try f.required("name", in: node).string(), rounds: rounds,
                          inputWeights: try choice(f["input_weights"], default: .normal), learning: learning, meta: meta)
    }

    /// A `rows × cols` table of finite numbers.
    private static func table(_ node: SpecNode, rows: Int, cols: Int) throws -> [[Double]] {
        let entries = try node.elements().map { row in try row.elements().map { try $0.double() } }
        guard entries.count == rows, entries.allSatisfy({ $0.count == cols }) else {
            throw node.error("expected \(rows) rows of \(cols) numbers (2^T for T rounds), got \(entries.count) rows")
        }
        guard entries.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw node.error("entries must be finite numbers") }
        return entries
    }
}
