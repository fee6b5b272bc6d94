import Foundation
import Neuromod
import NeuromodTasks

extension ExperimentSpec {
    /// Reads and validates a spec file. Unknown or misspelled fields, wrong types, impossible sizes and
    /// missing data files are rejected with a ``SpecError`` naming the file and field.
    ///
    /// Data paths in the spec are relative to the spec's own folder; a path starting with `$DATA/` is
    /// relative to `dataDirectory` (default `../shared/data`, where larger datasets live).
    public static func load(path: String, dataDirectory: String = "../shared/data") throws -> ExperimentSpec {
        try parse(SpecNode.readSpecText(path: path), file: path,
                  resolveData: dataResolver(specPath: path, dataDirectory: dataDirectory))
    }

    /// Maps a data path as written in the spec at `specPath` to a path to open (see ``load(path:dataDirectory:)``).
    static func dataResolver(specPath: String, dataDirectory: String) -> (String) -> String {
        let specFolder = (specPath as NSString).deletingLastPathComponent
        return { raw in
            if raw.hasPrefix("$DATA/") { return (dataDirectory as NSString).appendingPathComponent(String(raw.dropFirst(6))) }
            if raw.hasPrefix("/") { return raw }
            return specFolder.isEmpty ? raw : (specFolder as NSString).appendingPathComponent(raw)
        }
    }

    /// Parses spec text; `resolveData` maps a data path as written to a path to open.
    package static func parse(_ text: String, file: String, resolveData: (String) -> String = { $0 }) throws -> ExperimentSpec {
        let root = try SpecNode.parse(text, file: file)
        let f = try root.fields(allowed: ["name", "description", "seed", "runs", "output", "random",
                                          "task", "network", "training", "methods", "sweep"])
        func required(_ key: String) throws -> SpecNode {
            guard let node = f[key] else { throw SpecError(file: file, field: key, message: "required field is missing") }
            return node
        }
        let seed = try required("seed").int()
        guard seed >= 0 else { throw f["seed"]!.error("expected a non-negative integer, got \(seed)") }
        let network = try parseNetwork(required("network"), resolveData: resolveData)
        let populations = network.layers.map(\.population)
        let methods = try required("methods").elements().map { try parseMethod($0, populations: populations) }
        guard !methods.isEmpty else { throw f["methods"]!.error("at least one method is required") }
        try f["methods"]!.requireUniqueNames(methods.map(\.name))
        let sweep = try f["sweep"].map { try parseSweep($0, methods: methods) } ?? []
        let spec = ExperimentSpec(
            file: file,
            name: try required("name").string(),
            description: try f["description"]?.string() ?? "",
            seed: UInt64(seed),
            runs: try required("runs").positiveInt(),
            output: try required("output").string(),
            random: try f["random"].map { RandomAlgorithm(rawValue: try $0.choice(RandomAlgorithm.allCases.map(\.rawValue)))! } ?? ExperimentSpec.defaultRandom,
            task: try parseTask(required("task"), resolveData: resolveData),
            network: network,
            training: try parseTraining(required("training")),
            methods: methods,
            sweep: sweep)
        // Every size multiplied out against --memory-limit before anything is allocated.
        try spec.memoryEstimate().check(file: file)
        return spec
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
        let kind = try node.fields(allowed: ["kind", "low", "high", "samples", "noise", "frequency", "path",
                                             "inputs", "targets", "test_fraction", "standardize_inputs",
                                             "standardize_targets"])
        guard let kindNode = kind["kind"] else { throw node.error("required field 'kind' is missing (sinusoid or table)") }
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
            guard let pathNode = f["path"] else { throw node.error("required field 'path' is missing") }
            guard let targetsNode = f["targets"] else { throw node.error("required field 'targets' is missing") }
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
        let f = try node.fields(allowed: ["input", "layers", "init", "initial_weights"])
        guard let input = f["input"] else { throw node.error("required field 'input' is missing") }
        guard let layersNode = f["layers"] else { throw node.error("required field 'layers' is missing") }
        let layers = try layersNode.elements().map { layer -> LayerSpec in
            let l = try layer.fields(allowed: ["size", "activation", "noise", "noise_site", "leak_steps",
                                               "connection_probability"])
            guard let size = l["size"] else { throw layer.error("required field 'size' is missing") }
            guard let act = l["activation"] else { throw layer.error("required field 'activation' is missing") }
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
        let f = try node.fields(allowed: ["batch_size", "epochs", "data_order", "threshold", "on_divergence"])
        guard let batch = f["batch_size"] else { throw node.error("required field 'batch_size' is missing") }
        guard let epochs = f["epochs"] else { throw node.error("required field 'epochs' is missing") }
        return TrainingSpec(
            batchSize: try batch.positiveInt(),
            epochs: try epochs.positiveInt(),
            dataOrder: try f["data_order"].map { DataOrder(rawValue: try $0.choice(DataOrder.allCases.map(\.rawValue)))! } ?? .perRun,
            threshold: try f["threshold"]?.positiveDouble(),
            onDivergence: try f["on_divergence"].map { DivergencePolicy(rawValue: try $0.choice(DivergencePolicy.allCases.map(\.rawValue)))! } ?? .stop)
    }

    /// Rule names in specs: backprop and every preset of ``RulePresets``.
    static var ruleNames: [String] { ["backprop"] + RulePresets.all.map(\.name) }

    private static func parseMethod(_ node: SpecNode, populations: [Population]) throws -> MethodSpec {
        let f = try node.fields(allowed: ["name", "rule", "learning_rate", "loss", "sigma", "variant", "baseline",
                                          "baseline_rate"])
        guard let ruleNode = f["rule"] else { throw node.error("required field 'rule' is missing") }
        let loss = try f["loss"].map { Loss(rawValue: try $0.choice(Loss.allCases.map(\.rawValue)))! } ?? .meanSquaredError
        if ruleNode.node.mapping != nil {
            for key in ["learning_rate", "sigma", "variant", "baseline", "baseline_rate"] where f[key] != nil {
                throw f[key]!.error("a declared rule takes '\(key)' inside 'rule' (learning_rate in rule.optimizer, sigma in rule.probe, baseline in rule.modulator)")
            }
            let rule = try DeclaredRuleSpec.parse(ruleNode, loss: loss, populations: populations)
            return MethodSpec(name: try f["name"]?.string() ?? rule.name, rule: .local(rule))
        }
        let ruleName = try ruleNode.choice(ruleNames)
        guard let eta = f["learning_rate"] else { throw node.error("required field 'learning_rate' is missing") }
        let learningRate = try eta.positiveDouble()
        let name = try f["name"]?.string() ?? ruleName
        guard let preset = RulePresets.named(ruleName) else {
            for key in ["sigma", "variant", "baseline", "baseline_rate"] where f[key] != nil {
                throw f[key]!.error("'\(key)' does not apply to backprop")
            }
            return MethodSpec(name: name, rule: .backprop(learningRate: learningRate, loss: loss))
        }
        guard let sigmaNode = f["sigma"] else { throw node.error("required field 'sigma' is missing for \(ruleName)") }
        var variant: String?
        if let v = f["variant"] {
            guard !preset.variants.isEmpty else {
                let owners = RulePresets.all.filter { !$0.variants.isEmpty }.map(\.name).joined(separator: ", ")
                throw v.error("'variant' applies only to \(owners)")
            }
            variant = try v.choice(preset.variants)
        }
        if !preset.choosesBaseline, let b = f["baseline"] {
            throw b.error("\(ruleName) uses its antithetic pair as the baseline")
        }
        let baseline = try parseBaseline(f)
        let parameters = RulePresets.Parameters(learningRate: learningRate, sigma: try sigmaNode.positiveDouble(),
                                                baseline: baseline, loss: loss, variant: variant)
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
