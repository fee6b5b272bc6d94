/// **Neural net evolution** (seed 003 §2–3.1) as a population optimizer over a ``GeneticNetwork``:
/// each generation draws a population of genotypes from the allele frequencies, measures each
/// genotype's network on the training images, and moves the frequencies by weak selection (eq. 3).
///
/// | parameter | unit | meaning |
/// |---|---|---|
/// | `population` | genotypes | genotypes drawn per generation |
/// | `selection` | — | ε, the strength of weak selection |
/// | `threads` | — | genotypes evaluated at once (the numbers do not depend on it) |
///
/// Genotype slot k draws from stream k, one slot after the other; fitness is evaluated in parallel
/// and written by slot, so a generation is the same whatever the threads. Unlike the three-factor
/// rules, nothing here is a synapse's local process: the optimizer sees every genotype's fitness.
public struct NeuralNetEvolution {
    public let network: GeneticNetwork
    public private(set) var alleles: AlleleFrequencies
    /// Slot k of every generation draws from stream k.
    public let streams: InstanceStreams
    public let population: Int
    public var selection: Double

    public init(network: GeneticNetwork, alleles: AlleleFrequencies, streams: InstanceStreams, population: Int,
                selection: Double) throws {
        try streams.ensure(count: population)
        self.network = network
        self.alleles = alleles
        self.streams = streams
        self.population = population
        self.selection = selection
    }

    /// One generation on `inputs` with class `labels`; returns the genotypes' fitness δ.
    @discardableResult
    public mutating func generation(inputs: Matrix, labels: [Int], classes: Int, threads: Int) throws -> [Double] {
        let genotypes = (0..<population).map { alleles.sample(rng: streams[$0]) }
        let network = self.network
        let fitness = try parallelMap(count: population, jobs: threads) { k -> Double in
            let weights = network.weights(genotype: genotypes[k])
            let h = GeneticNetwork.hiddenActivity(inputs, weights: weights.hidden)
            return GeneticNetwork.fitness(losses: GeneticNetwork.evaluate(hidden: h, output: weights.output, labels: labels).losses,
                                          classes: classes)
        }
        alleles.weakSelection(genotypes: genotypes, fitness: fitness, selection: selection)
        return fitness
    }

    /// The fraction of genes whose allele frequency is within 0.05 of 0 or 1 (seed 003, Figure 2).
    public var fixedFraction: Double {
        Double(alleles.p.filter { min($0, 1 - $0) <= 0.05 }.count) / Double(max(alleles.genes, 1))
    }
}
