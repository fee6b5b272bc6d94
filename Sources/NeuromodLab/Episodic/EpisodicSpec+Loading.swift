import Foundation
import Neuromod
import NeuromodTasks

extension EpisodicSpec {
    /// Reads an episodic spec's own fields (`environment`, `network`, `training`, `methods`, `grid`);
    /// errors name the file, field and line.
    public static func parse(_ f: [String: SpecNode], header: StudyHeader, resolveData: (String) -> String) throws -> EpisodicSpec {
        let file = header.file
        let environment = try parseEnvironment(f.required("environment", file: file))
        let network = try f.required("network", file: file).fields(allowed: Self.kind.keys("network"))
        let hidden = try network["hidden"]?.elements().map { try $0.positiveInt() } ?? [128]
        let activationName = try network["activation"]?.string() ?? "leaky-relu(0.1)"
        guard let activation = Activation(name: activationName), activation != .softmax else {
            throw network["activation"]!.error("expected a hidden activation (linear, sigmoid, tanh, relu, leaky-relu(SLOPE)), got '\(activationName)'")
        }
        let methodsNode = try f.required("methods", file: file)
        let made = try environment.kind.make(parameters: environment.options)
        let populations = hidden.map { Population(size: $0, activation: activation) } + [Population(size: made.actionCount, activation: .softmax)]
        let methods = try methodsNode.elements().map { try parseMethod($0, dt: made.dt, populations: populations) }
        guard !methods.isEmpty else { throw methodsNode.error("at least one method is required") }
        try methodsNode.requireUniqueNames(methods.map(\.name))
        return EpisodicSpec(
            header: header, environment: environment, hidden: hidden, hiddenActivation: activation,
            initializer: try network["init"].map { WeightInitializer(rawValue: try $0.choice(WeightInitializer.allCases.map(\.rawValue)))! } ?? .xavierNormal,
            initialWeights: try network["initial_weights"].map { resolveData(try $0.string()) },
            training: try parseTraining(f.required("training", file: file)), methods: methods,
            grid: try f["grid"].map { try parseGrid($0, environment: environment, dt: made.dt) })
    }

    private static func parseEnvironment(_ node: SpecNode) throws -> EnvironmentSpec {
        let names = EnvironmentKind.allCases.map(\.rawValue)
        let raw = try node.fields(allowed: ["name"] + Set(EnvironmentKind.allCases.flatMap(\.optionKeys)).sorted())
        let nameNode = try raw.required("name", in: node, "(\(names.joined(separator: ", ")))")
        let kind = EnvironmentKind(rawValue: try nameNode.choice(names))!
        let f = try node.fields(allowed: ["name"] + kind.optionKeys)
        var options: [String: String] = [:]
        for (key, value) in f where key != "name" { options[key] = try value.string() }
        do { _ = try kind.make(parameters: options) } catch { throw node.error("\(error)") }
        return EnvironmentSpec(kind: kind, options: options)
    }

    private static func parseTraining(_ node: SpecNode) throws -> EpisodicTraining {
        let f = try node.fields(allowed: Self.kind.keys("training"))
        let episodes = try f.required("episodes", in: node)
        let count = try episodes.positiveInt()
        let score = try f["score_episodes"]?.positiveInt() ?? min(100, count)
        guard score <= count else { throw f["score_episodes"]!.error("expected at most episodes (\(count)), got \(score)") }
        return EpisodicTraining(
            episodes: count,
            reward: try f["reward"].map { EpisodicTraining.RewardTiming(rawValue: try $0.choice(EpisodicTraining.RewardTiming.allCases.map(\.rawValue)))! } ?? .episode,
            scoreEpisodes: score,
            solvedAt: try f["solved_at"]?.double(),
            instances: try f["instances"]?.positiveInt() ?? 1)
    }

    private static func parseMethod(_ node: SpecNode, dt: Double, populations: [Population]) throws -> PolicyMethod {
        let f = try node.fields(allowed: Self.kind.keys("methods"))
        let ruleNode = try f.required("rule", in: node)
        if ruleNode.node.mapping != nil { return try parseDeclared(ruleNode, fields: f, dt: dt, populations: populations) }
        let rule = PolicyRule(rawValue: try ruleNode.choice(PolicyRule.presetNames))!
        let eta = try f.required("learning_rate", in: node)
        var sigma = 0.0
        if rule == .reinforce {
            if let s = f["sigma"] { throw s.error("'sigma' does not apply to reinforce (it learns from the exact gradient)") }
        } else {
            let s = try f.required("sigma", in: node, "for \(rule.rawValue)")
            sigma = try s.positiveDouble()
        }
        // Seed 004: R̄ ← R̄ + γ_avg (R − R̄), γ_avg = 0.66, starting at the first return.
        var baselineRate = 0.66
        if let rateNode = f["baseline_rate"] {
            baselineRate = try rateNode.positiveDouble()
            guard baselineRate <= 1 else { throw rateNode.error("expected a rate in (0, 1], got \(baselineRate)") }
        }
        return PolicyMethod(
            name: try f["name"]?.string() ?? rule.rawValue,
            rule: rule,
            learningRate: try eta.positiveDouble(),
            sigma: sigma,
            fanOutScaling: try f["fan_out_scaling"]?.bool() ?? false,
            trace: try f["trace"].map { try parseTrace($0, dt: dt) } ?? .episodeSum,
            baseline: .runningAverage(rate: baselineRate),
            normalization: try f["normalize"].map { Neuromodulator.Normalization(rawValue: try $0.choice(Neuromodulator.Normalization.allCases.map(\.rawValue)))! } ?? .byMagnitude,
            dopamine: try f["dopamine"].map(parseDopamine) ?? DopamineKinetics())
    }

    /// A method whose `rule:` is declared from its parts (docs/rules.md), on environments.
    private static func parseDeclared(_ ruleNode: SpecNode, fields f: [String: SpecNode], dt: Double,
                                      populations: [Population]) throws -> PolicyMethod {
        for key in ["learning_rate", "sigma", "fan_out_scaling", "trace", "baseline_rate", "normalize", "dopamine"] where f[key] != nil {
            throw f[key]!.error("a declared rule takes '\(key)' inside 'rule' (docs/rules.md)")
        }
        var noisy = populations
        let rule = try DeclaredRuleSpec.parse(ruleNode, loss: .crossEntropy, populations: populations, environment: true, dt: dt) { probe in
            guard case .intrinsic(let sigma) = probe else { return populations }
            for l in noisy.indices { noisy[l].noise = IntrinsicNoise(site: .preActivation, sigma: sigma) }
            return noisy
        }
        return PolicyMethod(name: try f["name"]?.string() ?? rule.name, rule: .declared, learningRate: rule.learningRate,
                            sigma: rule.sigma, fanOutScaling: false, trace: rule.trace, baseline: .none,
                            normalization: rule.modulator.normalization, dopamine: rule.modulator.dopamine, declared: rule)
    }

    /// `{kernel: immediate | exponential | rise-decay | window | episode-sum, tau, rise, decay, start, end}`.
    static func parseTrace(_ node: SpecNode, dt: Double) throws -> TraceKernel {
        let kinds = ["immediate", "exponential", "rise-decay", "window", "episode-sum"]
        let all = try node.fields(allowed: Self.kind.keys("methods", "trace"))
        let kindNode = try all.required("kernel", in: node, "(\(kinds.joined(separator: ", ")))")
        let kind = try kindNode.choice(kinds)
        let needs: [String: [String]] = ["immediate": [], "episode-sum": [], "exponential": ["tau"],
                                         "rise-decay": ["rise", "decay"], "window": ["start", "end"]]
        let f = try node.fields(allowed: ["kernel"] + needs[kind]!)
        func value(_ key: String) throws -> Double {
            let v = try f.required(key, in: node, "for a \(kind) trace")
            return try v.double()
        }
        let kernel: TraceKernel
        switch kind {
        case "immediate": kernel = .immediate
        case "episode-sum": kernel = .episodeSum
        case "exponential": kernel = .exponential(tau: try value("tau"))
        case "rise-decay": kernel = .riseDecay(rise: try value("rise"), decay: try value("decay"))
        default: kernel = .window(start: try value("start"), end: try value("end"))
        }
        do { try kernel.validate(dt: dt) } catch { throw node.error("\(error)") }
        return kernel
    }

    /// `{delay: seconds, decay: seconds}`; without `decay` dopamine acts as a pulse at its arrival.
    static func parseDopamine(_ node: SpecNode) throws -> DopamineKinetics {
        let f = try node.fields(allowed: Self.kind.keys("methods", "dopamine"))
        let delay = try f["delay"]?.double() ?? 0
        guard delay >= 0, delay.isFinite else { throw f["delay"]!.error("expected a delay ≥ 0 s, got \(delay)") }
        return DopamineKinetics(delay: delay, decay: try f["decay"]?.positiveDouble())
    }

    /// `grid: {delay_option: delay, delays: [...], traces: [{kernel: ...}, ...]}`.
    private static func parseGrid(_ node: SpecNode, environment: EnvironmentSpec, dt: Double) throws -> TimingGrid {
        let f = try node.fields(allowed: Self.kind.keys("grid"))
        let option = try f["delay_option"]?.string() ?? "delay"
        guard environment.kind.optionKeys.contains(option) else {
            throw (f["delay_option"] ?? node).error("\(environment.kind.rawValue) has no option '\(option)' (options: \(environment.kind.optionKeys.joined(separator: ", ")))")
        }
        guard let delaysNode = f["delays"], let tracesNode = f["traces"] else {
            throw node.error("a grid needs 'delays' and 'traces'")
        }
        let delays = try delaysNode.elements().map { try $0.double() }
        let traces = try tracesNode.elements().map { try parseTrace($0, dt: dt) }
        guard !delays.isEmpty, !traces.isEmpty else { throw node.error("a grid needs at least one delay and one trace") }
        for delay in delays {
            var options = environment.options
            options[option] = "\(delay)"
            do { _ = try environment.kind.make(parameters: options) } catch { throw delaysNode.error("\(error)") }
        }
        return TimingGrid(delayOption: option, delays: delays, traces: traces)
    }
}
