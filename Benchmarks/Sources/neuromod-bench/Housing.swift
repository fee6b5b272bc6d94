import Foundation
import Neuromod
import NeuromodLab
import NeuromodTasks

/// The four methods of the thesis's housing study (§4.1.4), with its selected hyperparameters, and
/// WP and 3F-WP with the Rademacher probe (ε = ±σ, drawn from bits; same η and σ).
enum Method: String, CaseIterable, Codable {
    case bp = "BP"
    case wp = "WP"
    case threeFactorWP = "3F-WP"
    case threeFactorNP = "3F-NP"
    case wpRademacher = "WP-rad"
    case threeFactorWPRademacher = "3F-WP-rad"

    /// The methods of the thesis's study (checked against its spec).
    static let thesis: [Method] = [.bp, .wp, .threeFactorWP, .threeFactorNP]

    var learningRate: Double {
        switch self {
        case .bp: return 0.02
        case .wp, .threeFactorWP, .wpRademacher, .threeFactorWPRademacher: return 0.05
        case .threeFactorNP: return 0.01
        }
    }

    /// σ of the probe (nil for backprop).
    var sigma: Double? { self == .bp ? nil : 0.1 }

    var rule: LearningRule {
        switch self {
        case .bp: return .backprop(learningRate: learningRate, loss: .meanSquaredError)
        case .wp: return .local(.weightPerturbation(learningRate: learningRate, sigma: 0.1))
        case .threeFactorWP: return .local(.threeFactorWeightPerturbation(.outputUnit, learningRate: learningRate, sigma: 0.1))
        case .threeFactorNP: return .local(.nodePerturbation(learningRate: learningRate, sigma: 0.1))
        case .wpRademacher: return .local(.weightPerturbation(learningRate: learningRate, sigma: 0.1, distribution: .rademacher))
        case .threeFactorWPRademacher:
            return .local(.threeFactorWeightPerturbation(.outputUnit, learningRate: learningRate, sigma: 0.1, distribution: .rademacher))
        }
    }

    var ruleName: String {
        switch self {
        case .bp: return "Backprop.sgdStep"
        case .wp: return "PlasticityEngine(.weightPerturbation)"
        case .threeFactorWP: return "PlasticityEngine(.threeFactorWeightPerturbation(.outputUnit))"
        case .threeFactorNP: return "PlasticityEngine(.nodePerturbation)"
        case .wpRademacher: return "PlasticityEngine(.weightPerturbation(distribution: .rademacher))"
        case .threeFactorWPRademacher: return "PlasticityEngine(.threeFactorWeightPerturbation(.outputUnit, distribution: .rademacher))"
        }
    }
}

/// The housing network of the thesis: 8-128-64-1, sigmoid hidden layers, linear output.
let housingPopulations = [
    Population(size: 128, activation: .sigmoid),
    Population(size: 64, activation: .sigmoid),
    Population(size: 1, activation: .linear),
]
let housingBatch = 256

/// Stream bases as in NeuromodLab's StreamPlan for run 0 (initialization 2·2⁴⁰, order 3·2⁴⁰,
/// intrinsic noise 4·2⁴⁰, probe 5·2⁴⁰), so the benchmark draws what run 0 of the study would.
enum Streams {
    static let initialization: UInt64 = 2 << 40
    static let order: UInt64 = 3 << 40
    static let intrinsic: UInt64 = 4 << 40
    static let probe: UInt64 = 5 << 40
}

/// A fresh housing network with the spec's initialization (uniform, stream of run 0).
func makeHousingNetwork(_ options: Options) throws -> Network {
    try Network(inputSize: 8, populations: housingPopulations, initializer: .uniform,
                rng: RandomGenerator(options.random, seed: options.seed, stream: Streams.initialization))
}

/// `count` minibatches of `housingBatch` standardized training rows (inputs, targets), drawn without
/// replacement in a seeded order: the same 80/20 split and z-scoring as the study.
func loadHousingBatches(_ options: Options) throws -> (batches: [(Matrix, Matrix)], trainRows: Int) {
    let split = try CaliforniaHousing.load(path: options.dataPath, testFraction: 0.2, seed: options.seed)
    let train = split.train
    let order = try RandomGenerator(options.random, seed: options.seed, stream: Streams.order).permutation(train.count)
    let count = min(options.batches, train.count / housingBatch)
    guard count > 0 else { throw BenchError("the training set has fewer than \(housingBatch) rows") }
    let batches = (0..<count).map { b -> (Matrix, Matrix) in
        let rows = order[(b * housingBatch)..<((b + 1) * housingBatch)]
        return (train.inputs.gatherRows(rows), train.targets.gatherRows(rows))
    }
    return (batches, train.count)
}

/// One update of `method` on `network` (applied), returning the loss the update was computed from.
func makeUpdater(_ method: Method, network: Network, options: Options, batch: Int = housingBatch) throws
    -> (Matrix, Matrix) throws -> Double
{
    switch method.rule {
    case .backprop(let eta, let loss):
        let backprop = Backprop(loss: loss, precision: options.precision)
        return { x, t in try backprop.sgdStep(network: network, input: x, target: t, learningRate: eta) }
    case .local(let rule):
        // As the study's runner: per-instance probe streams and (unused, the layers are noiseless)
        // intrinsic streams.
        let learner = try PlasticityEngine(
            rule: rule, network: network,
            probeStreams: InstanceStreams(options.random, seed: options.seed, base: Streams.probe, count: batch),
            intrinsicStreams: InstanceStreams(options.random, seed: options.seed, base: Streams.intrinsic, count: batch),
            precision: options.precision)
        learner.noiseThreads = options.noiseThreads
        return { x, t in try learner.step(input: x, target: t) }
    }
}

/// Compares the built-in hyperparameters and layer sizes with the spec's; returns a one-line verdict.
func checkAgainstSpec(_ path: String) -> String {
    guard FileManager.default.fileExists(atPath: path) else { return "spec \(path) not found: not checked" }
    do {
        let spec = try ExperimentSpec.load(path: path)
        var problems: [String] = []
        let sizes = [spec.network.inputSize] + spec.network.layers.map(\.population.size)
        if sizes != [8, 128, 64, 1] { problems.append("layer sizes \(sizes)") }
        if spec.network.layers.map(\.population) != housingPopulations { problems.append("populations differ") }
        if spec.training.batchSize != housingBatch { problems.append("batch size \(spec.training.batchSize)") }
        for method in Method.thesis {
            guard let m = spec.methods.first(where: { $0.name == method.rawValue }) else {
                problems.append("no method \(method.rawValue)")
                continue
            }
            if m.rule != method.rule { problems.append("\(method.rawValue): spec has \(m.rule)") }
        }
        return problems.isEmpty ? "network, batch and hyperparameters match \(path)"
                                : "differs from \(path): " + problems.joined(separator: "; ")
    } catch {
        return "could not read \(path): \(error)"
    }
}
