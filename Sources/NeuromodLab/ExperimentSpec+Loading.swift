import Foundation
import Neuromod
import NeuromodTasks

extension ExperimentSpec {
    /// Reads a task spec's own fields (`task`, `network`, `training`, `methods`, `sweep`). Unknown
    /// or misspelled fields, wrong types, impossible sizes and missing data files are rejected with
    /// a ``SpecError`` naming the file and field.
    public static func parse(_ f: [String: SpecNode], header: StudyHeader, resolveData: (String) -> String) throws -> ExperimentSpec {
        let file = header.file
        let network = try parseNetwork(f.required("network", file: file), resolveData: resolveData)
        let populations = network.layers.map(\.population)
        let methods = try f.required("methods", file: file).elements().map { try parseMethod($0, populations: populations) }
        guard !methods.isEmpty else { throw f["methods"]!.error("at least one method is required") }
        try f["methods"]!.requireUniqueNames(methods.map(\.name))
        let trainingNode = try f.required("training", file: file)
        let training = try parseTraining(trainingNode)
        if training.precision == .float32 {
            let node = try trainingNode.fields(allowed: Self.kind.keys("training"))["precision"]!
            let sparse = network.layers.contains { $0.connectionProbability < 1 }
            for method in methods {
                let rule: PlasticityRule? = { if case .local(let rule) = method.rule { return rule } else { return nil } }()
                if let why = Precision.float32Refusal(populations: populations, sparse: sparse, rule: rule) {
                    throw node.error("method '\(method.name)': \(why) (docs/precision.md)")
                }
            }
        }
        return ExperimentSpec(
            header: header, task: try parseTask(f.required("task", file: file), resolveData: resolveData), network: network,
            training: training, methods: methods,
            sweep: try f["sweep"].map { try parseSweep($0, methods: methods) } ?? [])
    }

    /// `sweep: {METHOD: {learning_rate: [...], sigma: [...]}, ...}` over methods named in `methods`.
    private static func parseSweep(_ node: SpecNode, methods: [MethodSpec]) throws -> [MethodGrid] {
        let names = methods.map(\.name)
        let grids = try node.fields(allowed: names)
        // Keep the order of the spec's methods list.
        return try names.compactMap { name -> MethodGrid? in
            guard let grid = grids[name] else { return nil }
            let g = try grid.fields(allowed: ["learning_rate", "sigma"])
            let method = methods.first { $0.name == name }!
            func values(_ key: String) throws -> [Double]? {
                guard let list = g[key] else { return nil }
                let values = try list.elements().map { try $0.positiveDouble() }
                guard !values.isEmpty else { throw list.error("expected at least one value") }
                return values
            }
            if case .backprop = method.rule, let sigma = g["sigma"] {
                throw sigma.error("backprop has no sigma to sweep")
            }
            let sigma: Double? = { if case .local(let rule) = method.rule { return rule.sigma } else { return nil } }()
            return MethodGrid(method: name, learningRates: try values("learning_rate") ?? [method.rule.learningRate],
                              sigmas: try values("sigma") ?? sigma.map { [$0] } ?? [])
        }
    }

    private static func parseTask(_ node: SpecNode, resolveData: (String) -> String) throws -> TaskSpec {
        let kind = try node.fields(allowed: Self.kind.keys("task"))
        let kindNode = try kind.required("kind", in: node, "(sinusoid or table)")
        switch try kindNode.choice(["sinusoid", "table"]) {
        case "sinusoid":
            let f = try node.fields(allowed: ["kind", "low", "high", "samples", "noise", "frequency"])
            for key in ["low", "high", "samples", "noise"] where f[key] == nil {
                throw SpecError(file: node.file, field: "\(node.path).\(key)", line: node.line,
                                message: "required field is missing")
            }
            let task = SinusoidTask(low: try f["low"]!.double(), high: try f["high"]!.double(),
                                    samples: try f["samples"]!.positiveInt(), noiseSigma: try f["noise"]!.double(),
                                    frequency: try f["frequency"]?.double() ?? 1)
            do { try task.validate() } catch { throw node.error("\(error)") }
            return .sinusoid(task)
        default:
            let f = try node.fields(allowed: ["kind", "path", "inputs", "targets", "test_fraction",
                                              "standardize_inputs", "standardize_targets"])
            let pathNode = try f.required("path", in: node)
            let targetsNode = try f.required("targets", in: node)
            let path = resolveData(try pathNode.string())
            guard FileManager.default.fileExists(atPath: path) else {
                throw pathNode.error("data file not found: \(path)")
            }
            let fraction = try f["test_fraction"]?.double() ?? 0.2
            guard fraction >= 0, fraction < 1 else {
                throw f["test_fraction"]!.error("expected a fraction in [0, 1), got \(fraction)")
            }
            return .table(TableTaskSpec(
                path: path,
                inputs: try f["inputs"]?.elements().map { try $0.string() },
                targets: try targetsNode.elements().map { try $0.string() },
                testFraction: fraction,
                standardizeInputs: try f["standardize_inputs"]?.bool() ?? true,
                standardizeTargets: try f["standardize_targets"]?.bool() ?? false))
        }
    }

    private static func parseNetwork(_ node: SpecNode, resolveData: (String) -> String) throws -> NetworkSpec {
        let f = try node.fields(allowed: Self.kind.keys("network"))
        let input = try f.required("input", in: node)
        let layersNode = try f.required("layers", in: node)
        let layers = try layersNode.elements().map { layer -> LayerSpec in
            let l = try layer.fields(allowed: Self.kind.keys("network", "layers"))
            let size = try l.required("size", in: layer)
            let act = try l.required("activation", in: layer)
            let name = try act.string()
            guard let activation = Activation(name: name) else {
                throw act.error("unknown activation '\(name)'; expected linear, sigmoid, tanh, relu, leaky-relu, leaky-relu(SLOPE) or softmax")
            }
            var noise: IntrinsicNoise?
            if let sigmaNode = l["noise"] {
                let sigma = try sigmaNode.double()
                guard sigma >= 0 else { throw sigmaNode.error("noise sigma must be ≥ 0, got \(sigma)") }
                let site = try l["noise_site"].map { NoiseSite(rawValue: try $0.choice(NoiseSite.allCases.map(\.rawValue)))! }
                noise = IntrinsicNoise(site: site ?? .output, sigma: sigma)
            } else if let site = l["noise_site"] {
                throw site.error("noise_site needs a noise sigma ('noise')")
            }
            let probability = try l["connection_probability"]?.double() ?? 1
            guard probability > 0, probability <= 1 else {
                throw l["connection_probability"]!.error("expected a probability in (0, 1], got \(probability)")
            }
            return LayerSpec(population: Population(size: try size.positiveInt(), activation: activation,
                                                    leakSteps: try l["leak_steps"]?.positiveDouble(), noise: noise),
                             connectionProbability: probability)
        }
        guard !layers.isEmpty else { throw layersNode.error("at least one layer is required") }
        let initializer = try f["init"].map {
            WeightInitializer(rawValue: try $0.choice(WeightInitializer.allCases.map(\.rawValue)))!
        } ?? .uniform
        return NetworkSpec(inputSize: try input.positiveInt(), layers: layers, initializer: initializer,
                           initialWeights: try f["initial_weights"].map { resolveData(try $0.string()) })
    }

    private static func parseTraining(_ node: SpecNode) throws -> TrainingSpec {
        let f = try node.fields(allowed: Self.kind.keys("training"))
        let batch = try f.required("batch_size", in: node)
        let epochs = try f.required("epochs", in: node)
        return TrainingSpec(
            batchSize: try batch.positiveInt(),
            epochs: try epochs.positiveInt(),
            dataOrder: try f["data_order"].map { DataOrder(rawValue: try $0.choice(DataOrder.allCases.map(\.rawValue)))! } ?? .perRun,
            threshold: try f["threshold"]?.positiveDouble(),
            onDivergence: try f["on_divergence"].map { DivergencePolicy(rawValue: try $0.choice(DivergencePolicy.allCases.map(\.rawValue)))! } ?? .stop,
            precision: try f["precision"].map { Precision(rawValue: try $0.choice(Precision.allCases.map(\.rawValue)))! } ?? .float64)
    }

    /// Rule names in specs: backprop and every preset of ``RulePresets``.
    static var ruleNames: [String] { ["backprop"] + RulePresets.all.map(\.name) }

    private static func parseMethod(_ node: SpecNode, populations: [Population]) throws -> MethodSpec {
        let f = try node.fields(allowed: Self.kind.keys("methods"))
        let ruleNode = try f.required("rule", in: node)
        let loss = try f["loss"].map { Loss(rawValue: try $0.choice(Loss.allCases.map(\.rawValue)))! } ?? .meanSquaredError
        if ruleNode.node.mapping != nil {
            for key in ["learning_rate", "sigma", "variant", "baseline", "baseline_rate", "distribution"] where f[key] != nil {
                throw f[key]!.error("a declared rule takes '\(key)' inside 'rule' (learning_rate in rule.optimizer, sigma and distribution in rule.probe, baseline in rule.modulator)")
            }
            let rule = try DeclaredRuleSpec.parse(ruleNode, loss: loss, populations: populations)
            return MethodSpec(name: try f["name"]?.string() ?? rule.name, rule: .local(rule))
        }
        let ruleName = try ruleNode.choice(ruleNames)
        let eta = try f.required("learning_rate", in: node)
        let learningRate = try eta.positiveDouble()
        let name = try f["name"]?.string() ?? ruleName
        guard let preset = RulePresets.named(ruleName) else {
            for key in ["sigma", "variant", "baseline", "baseline_rate", "distribution"] where f[key] != nil {
                throw f[key]!.error("'\(key)' does not apply to backprop")
            }
            return MethodSpec(name: name, rule: .backprop(learningRate: learningRate, loss: loss))
        }
        let sigmaNode = try f.required("sigma", in: node, "for \(ruleName)")
        var variant: String?
        if let v = f["variant"] {
            guard !preset.variants.isEmpty else {
                let owners = RulePresets.all.filter { !$0.variants.isEmpty }.map(\.name).joined(separator: ", ")
                throw v.error("'variant' applies only to \(owners)")
            }
            variant = try v.choice(preset.variants)
        }
        var distribution = SynapticNoise.Distribution.gaussian
        if let d = f["distribution"] {
            guard preset.choosesDistribution else {
                let owners = RulePresets.all.filter(\.choosesDistribution).map(\.name).joined(separator: ", ")
                throw d.error("'distribution' applies only to \(owners)")
            }
            distribution = SynapticNoise.Distribution(rawValue: try d.choice(["gaussian", "rademacher"]))!
        }
        if !preset.choosesBaseline, let b = f["baseline"] {
            throw b.error("\(ruleName) uses its antithetic pair as the baseline")
        }
        let baseline = try parseBaseline(f)
        let parameters = RulePresets.Parameters(learningRate: learningRate, sigma: try sigmaNode.positiveDouble(),
                                                baseline: baseline, loss: loss, variant: variant, distribution: distribution)
        return MethodSpec(name: name, rule: .local(preset.make(parameters)))
    }

    /// `baseline` (batch-mean, the default, or running-average with `baseline_rate` in (0, 1]).
    static func parseBaseline(_ f: [String: SpecNode]) throws -> Modulation.Baseline {
        switch try f["baseline"]?.choice(["batch-mean", "running-average"]) ?? "batch-mean" {
        case "running-average":
            guard let rate = f["baseline_rate"] else { throw f["baseline"]!.error("running-average needs 'baseline_rate'") }
            let r = try rate.positiveDouble()
            guard r <= 1 else { throw rate.error("expected a rate in (0, 1], got \(r)") }
            return .runningAverage(rate: r)
        default:
            if let rate = f["baseline_rate"] { throw rate.error("'baseline_rate' needs baseline: running-average") }
            return .batchMean
        }
    }
}
