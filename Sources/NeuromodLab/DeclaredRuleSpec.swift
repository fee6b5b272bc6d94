import Neuromod

/// A method's rule declared from its parts instead of named as a preset (README, "Declared rules"):
///
/// ```yaml
/// rule:
///   name: np-declared                      # optional (default "declared"); recorded in summary.json
///   probe: {kind: nodes, sigma: 0.05}      # none | synapses | nodes | intrinsic
///   local: pre_clean * post_deriv_clean * post_noise / sigma^2   # or {output: TERM, all: TERM, …}
///   modulator: {baseline: batch-mean}      # optional: baseline, baseline_rate, normalization, gate
///   update: additive                       # optional: additive | multiplicative
///   optimizer: {kind: sgd, learning_rate: 0.5}   # sgd | sign-sgd | adam (beta1, beta2, epsilon)
///   trace: {kernel: immediate}             # optional (environments: any kernel, default episode-sum)
///   biases: true                           # optional: whether biases learn
///   tables: {r: [[0, 1], [-1, 0]]}         # optional: tables the term looks up as r[pre_history][post_history]
///   acting: probed                         # environments: the pass actions are drawn from (clean | probed)
///   compute: 1.6                           # optional forward-pass equivalents
/// ```
///
/// Every error names the file and the field; a factor a projection cannot see is refused with the
/// projection, the factor and what is allowed, before any data is read.
enum DeclaredRuleSpec {
    /// Reads a declaration for a network of `populations` (after the input), on minibatches or (with
    /// `environment`, steps of `dt` seconds) on environments; `withNoise` gives the populations as
    /// the probe leaves them (an intrinsic probe puts noise on every layer of a policy).
    static func parse(_ node: SpecNode, loss: Loss, populations: [Population], environment: Bool = false, dt: Double = 1,
                      withNoise: (Probe) -> [Population] = { _ in [] }) throws -> PlasticityRule {
        let f = try node.fields(allowed: ["name", "probe", "local", "trace", "modulator", "update", "optimizer", "biases", "acting", "tables", "compute"])
        let probeNode = try f.required("probe", in: node)
        let localNode = try f.required("local", in: node)
        let optimizerNode = try f.required("optimizer", in: node)
        let rule = PlasticityRule(
            name: try f["name"]?.string() ?? "declared",
            probe: try parseProbe(probeNode),
            local: try parseLocal(localNode),
            trace: try f["trace"].map { try EpisodicSpec.parseTrace($0, dt: dt) } ?? (environment ? .episodeSum : .immediate),
            modulator: try f["modulator"].map { try parseModulator($0, environment: environment) }
                ?? Modulation(baseline: environment ? .runningAverage(rate: 0.66) : .batchMean),
            update: try f["update"].map { UpdateForm(rawValue: try $0.choice(UpdateForm.allCases.map(\.rawValue)))! } ?? .additive,
            optimizer: try parseOptimizer(optimizerNode),
            loss: loss,
            acting: try f["acting"].map { ActingPass(rawValue: try $0.choice(ActingPass.allCases.map(\.rawValue)))! } ?? .probed,
            plasticBiases: try f["biases"]?.bool() ?? true,
            tables: try f["tables"].map(parseTables) ?? [:],
            compute: try f["compute"]?.positiveDouble())
        let checked = environment ? withNoise(rule.probe) : populations
        let noisy = checked.contains { ($0.noise?.sigma ?? 0) > 0 }
        do { try rule.validate(populations: checked, intrinsicNoise: noisy, environment: environment) } catch let error as NetworkError {
            throw node.error(error.description)
        }
        return rule
    }

    private static func parseProbe(_ node: SpecNode) throws -> Probe {
        let kinds = ["none", "synapses", "nodes", "intrinsic"]
        let all = try node.fields(allowed: ["kind", "sigma", "distribution", "antithetic", "site"])
        let kindNode = try all.required("kind", in: node, "(\(kinds.joined(separator: ", ")))")
        let kind = try kindNode.choice(kinds)
        let extra: [String: [String]] = ["none": [], "synapses": ["sigma", "distribution", "antithetic"],
                                         "nodes": ["sigma", "site"], "intrinsic": ["sigma"]]
        let f = try node.fields(allowed: ["kind"] + extra[kind]!)
        func sigma() throws -> Double {
            let s = try f.required("sigma", in: node, "for a \(kind) probe")
            return try s.positiveDouble()
        }
        switch kind {
        case "none": return .none
        case "synapses":
            let distribution = try f["distribution"].map {
                SynapticNoise.Distribution(rawValue: try $0.choice(["gaussian", "rademacher"]))!
            } ?? .gaussian
            return .synapses(distribution, sigma: try sigma(), antithetic: try f["antithetic"]?.bool() ?? false)
        case "nodes":
            let site = try f["site"].map { NoiseSite(rawValue: try $0.choice(NoiseSite.allCases.map(\.rawValue)))! } ?? .output
            return .nodes(sigma: try sigma(), site: site)
        default: return .intrinsic(sigma: try sigma())
        }
    }

    /// A term for every projection, or a mapping from selectors (`all`, `output`, `hidden`, or an
    /// activation name) to terms, tried in order.
    private static func parseLocal(_ node: SpecNode) throws -> [SelectedTerm] {
        func term(_ n: SpecNode) throws -> LocalTerm {
            do { return try LocalTerm(parsing: try n.string()) } catch let error as LocalTermError { throw n.error(error.message) }
        }
        guard let mapping = node.node.mapping else { return [SelectedTerm(.all, try term(node))] }
        let activations = ["linear", "sigmoid", "tanh", "relu", "leaky-relu", "softmax"]
        let keys = mapping.keys.compactMap(\.string)
        let f = try node.fields(allowed: ["all", "output", "hidden"] + activations + keys.filter { $0.hasPrefix("leaky-relu(") })
        guard !keys.isEmpty else { throw node.error("at least one term is required") }
        return try keys.map { key in
            let selector: TermSelector
            switch key {
            case "all": selector = .all
            case "output": selector = .output
            case "hidden": selector = .hidden
            default:
                guard let activation = Activation(name: key) else { throw f[key]!.error("unknown selector '\(key)'") }
                selector = .activation(activation)
            }
            return SelectedTerm(selector, try term(f[key]!))
        }
    }

    /// `{NAME: [[r00, r01], [r10, r11]], …}`: rows the presynaptic history, columns the postsynaptic.
    private static func parseTables(_ node: SpecNode) throws -> [String: RuleTable] {
        guard let mapping = node.node.mapping else { throw node.error("expected a mapping from table names to tables") }
        let names = Array(mapping.keys.compactMap(\.string))
        let f = try node.fields(allowed: names)
        var tables: [String: RuleTable] = [:]
        for name in names {
            guard name.first?.isLetter == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw f[name]!.error("a table's name is a word (letters, digits, _)")
            }
            tables[name] = RuleTable(try f[name]!.elements().map { row in try row.elements().map { try $0.double() } })
        }
        return tables
    }

    private static func parseModulator(_ node: SpecNode, environment: Bool) throws -> Modulation {
        let f = try node.fields(allowed: ["source", "baseline", "baseline_rate", "normalization", "gate"] + (environment ? ["dopamine"] : []))
        let baseline: Modulation.Baseline
        // On environments rewards come one at a time: the default is seed 004's running average (γ 0.66).
        switch try f["baseline"]?.choice(["none", "batch-mean", "running-average", "antithetic"]) ?? (environment ? "running-average" : "batch-mean") {
        case "running-average" where f["baseline"] == nil && f["baseline_rate"] == nil:
            baseline = .runningAverage(rate: 0.66)
        case let other where other == "none" || other == "antithetic":
            if let rate = f["baseline_rate"] { throw rate.error("'baseline_rate' needs baseline: running-average") }
            baseline = other == "none" ? .none : .antithetic
        default: baseline = try ExperimentSpec.parseBaseline(f)
        }
        let source: Modulation.Source
        switch try f["source"]?.choice(["negative-loss", "constant"]) ?? "negative-loss" {
        case "constant": source = .constant
        default: source = .negativeLoss
        }
        return Modulation(
            source: source,
            baseline: baseline,
            normalization: try f["normalization"].map {
                Neuromodulator.Normalization(rawValue: try $0.choice(Neuromodulator.Normalization.allCases.map(\.rawValue)))!
            } ?? .none,
            gate: try f["gate"].map { Modulation.Gate(rawValue: try $0.choice(Modulation.Gate.allCases.map(\.rawValue)))! } ?? .all,
            dopamine: try f["dopamine"].map(EpisodicSpec.parseDopamine) ?? DopamineKinetics())
    }

    private static func parseOptimizer(_ node: SpecNode) throws -> Optimizer {
        let kinds = ["sgd", "sign-sgd", "adam"]
        let all = try node.fields(allowed: ["kind", "learning_rate", "beta1", "beta2", "epsilon"])
        let kindNode = try all.required("kind", in: node, "(\(kinds.joined(separator: ", ")))")
        let kind = try kindNode.choice(kinds)
        let f = try node.fields(allowed: kind == "adam" ? ["kind", "learning_rate", "beta1", "beta2", "epsilon"] : ["kind", "learning_rate"])
        let rateNode = try f.required("learning_rate", in: node)
        let rate = try rateNode.positiveDouble()
        switch kind {
        case "sgd": return .sgd(learningRate: rate)
        case "sign-sgd": return .signSGD(rate: rate)
        default:
            let defaults = AdamSettings()
            func unit(_ key: String, _ value: Double) throws -> Double {
                guard let n = f[key] else { return value }
                let v = try n.double()
                guard v >= 0, v < 1 else { throw n.error("expected a number in [0, 1), got \(v)") }
                return v
            }
            return .adam(AdamSettings(rate: rate, beta1: try unit("beta1", defaults.beta1), beta2: try unit("beta2", defaults.beta2),
                                      epsilon: try f["epsilon"]?.positiveDouble() ?? defaults.epsilon))
        }
    }
}
