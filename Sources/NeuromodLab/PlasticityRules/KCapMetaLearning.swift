import Foundation
import Neuromod

/// How a `meta-learned` method of a plasticity-rules study learns its rule before it trains
/// (seed 002 §2, A.1 "GD to learn a rule"; ``RuleMetaLearner``): on the training set of one of the
/// study's datasets (`source`), with its own network (n, k; the method's T), Adam on the
/// cross-entropy of each batch after rule-training over it. The learned tables then train the
/// method's network on every dataset, as a `table` method would (Fig. 3: rules reused across
/// tasks and network sizes).
public struct KCapMetaLearning: Sendable, Equatable {
    /// How the RNN rule r is parameterized.
    public enum RecurrentForm: String, Sendable, Equatable, CaseIterable {
        case table, network, none
    }
    /// How r_o starts: 0 (the code) or the two-node Perceptron's (A.3 "perceptron-style", read at the last round).
    public enum OutputStart: String, Sendable, Equatable, CaseIterable { case zero, perceptron }
    /// How a table r starts: N(0, 1) (the code) or 0.
    public enum RecurrentStart: String, Sendable, Equatable, CaseIterable { case normal, zero }

    /// The name of the dataset whose training set the rule learns on.
    public var source: String
    /// n and k of the meta-learning network (nil: the study's).
    public var nodes: Int?
    public var cap: Int?
    /// The first `train` examples of the source's training set (nil: all).
    public var train: Int?
    public var epochs: Int
    public var batch: Int
    public var adam: AdamSettings
    public var weightDecay: Double
    public var loss: KCapLoss
    public var learnRecurrent: Bool
    public var learnOutput: Bool
    public var recurrent: RecurrentForm
    public var hidden: Int
    public var activation: RuleNetwork.Activation
    public var bits: RuleNetwork.BitOrder
    public var outputStart: OutputStart
    public var recurrentStart: RecurrentStart

    static let fields = SpecField("meta", "meta-learned, required: how the rule is learned (A.1 \"GD to learn a rule\")", [
        SpecField("source", "required: the name of a dataset of this study; the rule learns on its training set"),
        SpecField("nodes", "optional: n of the meta-learning network (default: kcap.nodes)"),
        SpecField("cap", "optional: k of the meta-learning network (default: kcap.cap, or nodes / 2 when nodes is given)"),
        SpecField("train", "optional: learn on the first `train` training examples only (default all)"),
        SpecField("epochs", "optional: outer epochs, default 10"),
        SpecField("batch", "optional: examples per batch (the network is reset, rule-trained over the batch, scored on it), default 100; an incomplete last batch is dropped"),
        SpecField("rate", "optional: Adam's rate, default 0.01"),
        SpecField("weight_decay", "optional: coupled L2 (torch's weight_decay), default 0.01"),
        SpecField("loss", "optional: `ce-logits` (the default) or `ce-double-softmax` (the code: cross-entropy of the softmax outputs)"),
        SpecField("learn", "optional: which parts learn, a list of `r` and `ro` (default both; `r` needs rounds > 1)"),
        SpecField("recurrent", "optional: the RNN rule r as a `table` (the default at T > 1), a `network` (A.3) or `none` (W fixed; the default at T = 1)"),
        SpecField("hidden", "network, optional: hidden units, default 20 (A.3)"),
        SpecField("activation", "network, optional: `relu` (the default, the code), `tanh` or `sigmoid`"),
        SpecField("bits", "network, optional: `msb-first` (s_pre then s_post, round 1 first; the default) or `lsb-first` (the code)"),
        SpecField("output_start", "optional: r_o's start, `zero` (the code, the default) or `perceptron` (the two-node Perceptron, last round)"),
        SpecField("recurrent_start", "table, optional: r's start, `normal` (N(0, 1), the code, the default) or `zero`"),
    ])

    static func parse(_ node: SpecNode, rounds: Int) throws -> KCapMetaLearning {
        let f = try node.fields(allowed: fields.children.map(\.name))
        let form: RecurrentForm = try choice(f["recurrent"], default: rounds > 1 ? .table : .none)
        if form != .none, rounds == 1 { throw f["recurrent"]!.error("at T = 1 the network has no RNN rule; use `none`") }
        if form != .network, let key = ["hidden", "activation", "bits"].first(where: { f[$0] != nil }) {
            throw f[key]!.error("only a `network` RNN rule has \(key)")
        }
        var learn = (recurrent: form != .none, output: true)
        if let learnNode = f["learn"] {
            let parts = try learnNode.elements().map { try $0.choice(["r", "ro"]) }
            guard !parts.isEmpty else { throw learnNode.error("expected `r`, `ro` or both") }
            if parts.contains("r"), form == .none { throw learnNode.error("`r` cannot learn: the RNN rule is `none`") }
            learn = (parts.contains("r"), parts.contains("ro"))
        }
        let decay = try f["weight_decay"]?.double() ?? 0.01
        guard decay >= 0 else { throw f["weight_decay"]!.error("expected a number ≥ 0, got \(decay)") }
        let nodes = try f["nodes"]?.positiveInt()
        let cap = try f["cap"]?.positiveInt() ?? nodes.map { max(1, $0 / 2) }
        if let nodes, let cap, cap > nodes { throw f["cap"]!.error("the cap must be at most the nodes (\(nodes)), got \(cap)") }
        return KCapMetaLearning(
            source: try f.required("source", in: node).string(), nodes: nodes, cap: cap, train: try f["train"]?.positiveInt(),
            epochs: try f["epochs"]?.positiveInt() ?? 10, batch: try f["batch"]?.positiveInt() ?? 100,
            adam: AdamSettings(rate: try f["rate"]?.positiveDouble() ?? 0.01), weightDecay: decay,
            loss: try choice(f["loss"], default: .ceLogits), learnRecurrent: learn.recurrent, learnOutput: learn.output,
            recurrent: form, hidden: try f["hidden"]?.positiveInt() ?? 20, activation: try choice(f["activation"], default: .relu),
            bits: try choice(f["bits"], default: .msbFirst), outputStart: try choice(f["output_start"], default: .zero),
            recurrentStart: try choice(f["recurrent_start"], default: .normal))
    }
}

/// A rule learned by a `meta-learned` method: the tables and the loss per outer epoch.
public struct LearnedRule: Sendable, Codable, Equatable {
    public var method: String
    public var source: String
    /// r (nil: W fixed).
    public var recurrent: [[Double]]?
    /// r_o.
    public var output: [[Double]]
    /// The RNN rule's network parameters (W₁, b₁, w₂, b₂ flat), when r is a network.
    public var networkParameters: [Double]?
    /// The mean batch loss of each outer epoch.
    public var losses: [Double]
    public var seconds: Double
}

extension LearnedRule {
    /// The rule of `method` (optional when the file holds one) from a `rules.json` at the path in
    /// `fileNode` (relative to the working directory), with `states` = 2^T history states.
    /// - Throws: a one-line ``SpecError`` on the field: file missing or unreadable, no such rule,
    ///   or tables of another T.
    static func load(_ fileNode: SpecNode, method methodNode: SpecNode?, states: Int) throws -> LearnedRule {
        let path = try fileNode.string()
        guard let data = FileManager.default.contents(atPath: path) else { throw fileNode.error("rules file not found: \(path)") }
        guard let rules = try? JSONDecoder().decode([LearnedRule].self, from: data) else {
            throw fileNode.error("\(path) is not a rules.json written by a plasticity-rules study")
        }
        let names = rules.map { "'\($0.method)'" }.joined(separator: ", ")
        let name = try methodNode?.string()
        guard let rule = name.map({ n in rules.first { $0.method == n } }) ?? (rules.count == 1 ? rules.first : nil) else {
            if let name { throw methodNode!.error("no rule '\(name)' in \(path); it has \(names)") }
            throw fileNode.error("\(path) holds \(rules.count) rules (\(names)); name one with rules_method")
        }
        guard rule.output.count == states, rule.output.allSatisfy({ $0.count == 2 }), rule.recurrent.map({ $0.count == states }) ?? true else {
            throw fileNode.error("rule '\(rule.method)' in \(path) has \(rule.output.count) history states; this method's rounds give \(states)")
        }
        return rule
    }
}
