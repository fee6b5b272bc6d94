import Foundation
import Neuromod

/// A neural-net-evolution study (seed 003, §3.1): allele frequencies of a ``GeneticNetwork`` evolve
/// under weak selection, for each number of genes listed; optionally SignSGD then trains the output
/// layer of a genotype drawn from the evolved frequencies (NNE + SignSGD). A spec is an evolution
/// study when it has a top-level `evolution:` section.
///
/// ```yaml
/// data: {folder: $DATA/mnist, classes: [0, 1, 2, 3, 4], train_per_class: 100}
/// evolution:
///   hidden: 100            # ReLU hidden neurons
///   input_density: 0.1     # probability of each input–hidden link
///   genes: [500, 1000]     # one evolution per value (accuracy against number of genes)
///   gene_density: 0.0025   # β: probability that a gene enters a link's weight
///   population: 200        # genotypes per generation
///   generations: 300
///   selection: 1           # ε of the weak-selection update (eq. 3)
///   evaluate_every: 25     # generations between test-set evaluations
/// sign_sgd: {rate: 1.0e-3, batch: 50, iterations: 300}   # optional: NNE + SignSGD
/// ```
public struct EvolutionSpec: Sendable {
    public var file: String
    public var name: String
    public var description: String
    public var seed: UInt64
    public var runs: Int
    public var output: String
    public var random: RandomAlgorithm
    public var data: ImageDataSpec
    public var hidden: Int
    public var inputDensity: Double
    public var genes: [Int]
    public var geneDensity: Double
    public var population: Int
    public var generations: Int
    public var selection: Double
    public var evaluateEvery: Int
    public var signSGD: SignSGDPhase?

    /// SignSGD on the output layer after evolution: `iterations` minibatches of `batch` samples.
    public struct SignSGDPhase: Sendable, Equatable {
        public var rate: Double
        public var batch: Int
        public var iterations: Int
    }

    /// Whether spec text describes an evolution study.
    public static func isEvolution(text: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix("evolution:") }
    }

    /// Reads and validates an evolution spec; data paths resolve as in ``ExperimentSpec/load(path:dataDirectory:)``.
    public static func load(path: String, dataDirectory: String = "../shared/data") throws -> EvolutionSpec {
        try parse(SpecNode.readSpecText(path: path), file: path,
                  resolveData: ExperimentSpec.dataResolver(specPath: path, dataDirectory: dataDirectory))
    }

    static func parse(_ text: String, file: String, resolveData: (String) -> String) throws -> EvolutionSpec {
        let root = try SpecNode.parse(text, file: file)
        let f = try root.fields(allowed: ["name", "description", "seed", "runs", "output", "random", "data", "evolution", "sign_sgd"])
        func required(_ node: SpecNode?, _ key: String, in fields: [String: SpecNode]) throws -> SpecNode {
            guard let value = fields[key] else {
                throw node?.error("required field '\(key)' is missing") ?? SpecError(file: file, field: key, message: "required field is missing")
            }
            return value
        }
        let seed = try required(nil, "seed", in: f).int()
        guard seed >= 0 else { throw f["seed"]!.error("expected a non-negative integer, got \(seed)") }
        let evolutionNode = try required(nil, "evolution", in: f)
        let e = try evolutionNode.fields(allowed: ["hidden", "input_density", "genes", "gene_density", "population",
                                                   "generations", "selection", "evaluate_every"])
        func probability(_ key: String) throws -> Double {
            let node = try required(evolutionNode, key, in: e), value = try node.double()
            guard value > 0 && value <= 1 else { throw node.error("expected a probability in (0, 1], got \(value)") }
            return value
        }
        let genesNode = try required(evolutionNode, "genes", in: e)
        let genes = try genesNode.elements().map { try $0.positiveInt() }
        guard !genes.isEmpty else { throw genesNode.error("list at least one number of genes") }
        let generations = try required(evolutionNode, "generations", in: e).positiveInt()
        var phase: SignSGDPhase?
        if let node = f["sign_sgd"] {
            let s = try node.fields(allowed: ["rate", "batch", "iterations"])
            phase = SignSGDPhase(rate: try required(node, "rate", in: s).positiveDouble(),
                                 batch: try s["batch"]?.positiveInt() ?? 50,
                                 iterations: try required(node, "iterations", in: s).positiveInt())
        }
        return EvolutionSpec(
            file: file, name: try required(nil, "name", in: f).string(), description: try f["description"]?.string() ?? "",
            seed: UInt64(seed), runs: try required(nil, "runs", in: f).positiveInt(), output: try required(nil, "output", in: f).string(),
            random: try f["random"].map { RandomAlgorithm(rawValue: try $0.choice(RandomAlgorithm.allCases.map(\.rawValue)))! } ?? ExperimentSpec.defaultRandom,
            data: try ImageDataSpec.parse(required(nil, "data", in: f), resolveData: resolveData),
            hidden: try required(evolutionNode, "hidden", in: e).positiveInt(), inputDensity: try probability("input_density"),
            genes: genes, geneDensity: try probability("gene_density"),
            population: try required(evolutionNode, "population", in: e).positiveInt(), generations: generations,
            selection: try required(evolutionNode, "selection", in: e).positiveDouble(),
            evaluateEvery: min(try e["evaluate_every"]?.positiveInt() ?? max(1, generations / 10), generations),
            signSGD: phase)
    }
}
