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
public struct EvolutionSpec: StudySpec {
    public var header: StudyHeader
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

    /// Reads an evolution study's own fields (`data`, `evolution`, `sign_sgd`).
    public static func parse(_ f: [String: SpecNode], header: StudyHeader, resolveData: (String) -> String) throws -> EvolutionSpec {
        let file = header.file
        let evolutionNode = try f.required("evolution", file: file)
        let e = try evolutionNode.fields(allowed: Self.kind.keys("evolution"))
        func required(_ key: String) throws -> SpecNode { try e.required(key, file: file, in: evolutionNode) }
        func probability(_ key: String) throws -> Double {
            let node = try required(key), value = try node.double()
            guard value > 0 && value <= 1 else { throw node.error("expected a probability in (0, 1], got \(value)") }
            return value
        }
        let genesNode = try required("genes")
        let genes = try genesNode.elements().map { try $0.positiveInt() }
        guard !genes.isEmpty else { throw genesNode.error("list at least one number of genes") }
        let generations = try required("generations").positiveInt()
        var phase: SignSGDPhase?
        if let node = f["sign_sgd"] {
            let s = try node.fields(allowed: Self.kind.keys("sign_sgd"))
            phase = SignSGDPhase(rate: try s.required("rate", file: file, in: node).positiveDouble(),
                                 batch: try s["batch"]?.positiveInt() ?? 50,
                                 iterations: try s.required("iterations", file: file, in: node).positiveInt())
        }
        return EvolutionSpec(
            header: header,
            data: try ImageDataSpec.parse(f.required("data", file: file), resolveData: resolveData),
            hidden: try required("hidden").positiveInt(), inputDensity: try probability("input_density"),
            genes: genes, geneDensity: try probability("gene_density"),
            population: try required("population").positiveInt(), generations: generations,
            selection: try required("selection").positiveDouble(),
            evaluateEvery: min(try e["evaluate_every"]?.positiveInt() ?? max(1, generations / 10), generations),
            signSGD: phase)
    }
}
