import Foundation
import Neuromod

/// The state of one evolving population at an evaluation point.
public struct EvolutionCheckpoint: Sendable, Codable, Equatable {
    public var genes: Int
    public var run: Int
    public var generation: Int
    /// Mean fitness δ of the generation's genotypes on the training images.
    public var meanFitness: Double
    /// Test accuracy of the consensus genotype (the more frequent allele of every gene).
    public var consensusAccuracy: Double
    /// Test accuracy of the expected network, weights s ⊙ (G p).
    public var expectedAccuracy: Double
    /// Fraction of genes whose allele frequency is within 0.05 of 0 or 1 (seed 003, Figure 2).
    public var fixedFraction: Double
}

/// Final accuracies of one number of genes in one run.
public struct EvolutionSummary: Sendable, Codable, Equatable {
    public var genes: Int
    public var run: Int
    public var consensusAccuracy: Double
    public var expectedAccuracy: Double
    /// NNE + SignSGD: test accuracy after SignSGD on the output layer (nil without a `sign_sgd` phase).
    public var signSGDAccuracy: Double?
    public var wallSeconds: Double
}

public struct EvolutionResult: Sendable {
    public var spec: EvolutionSpec
    public var checkpoints: [EvolutionCheckpoint]
    public var summaries: [EvolutionSummary]
}

/// Runs an ``EvolutionSpec``. Streams: the network and the first allele frequencies come from
/// purpose 2 (one stream per entry of `genes`, chosen by its position in the list), genotype slot k
/// of a population draws from its own stream of purpose 8, and SignSGD's genotype and minibatches from purpose 3. Genotypes are
/// evaluated in parallel; results do not depend on the number of jobs.
public struct EvolutionRunner {
    public let spec: EvolutionSpec

    public init(spec: EvolutionSpec) { self.spec = spec }

    public func run(jobs: Int, progress: @Sendable (EvolutionCheckpoint) -> Void = { _ in }) throws -> EvolutionResult {
        let (train, test) = try spec.data.load(seed: spec.seed)
        let classes = spec.data.classes.count
        var checkpoints: [EvolutionCheckpoint] = [], summaries: [EvolutionSummary] = []
        for run in 0..<spec.runs {
            for (configuration, genes) in spec.genes.enumerated() {
                let started = Date()
                let initRNG = try RandomGenerator(spec.random, seed: spec.seed,
                                                  stream: StreamPlan.initialization(run: run) + UInt64(configuration))
                let network = GeneticNetwork(inputs: train.inputs.cols, hidden: spec.hidden, classes: classes,
                                             inputDensity: spec.inputDensity, genes: genes, geneDensity: spec.geneDensity, rng: initRNG)
                let streams = try InstanceStreams(spec.random, seed: spec.seed,
                                                  base: StreamPlan.genotypes(run: run) + UInt64(configuration * spec.population),
                                                  count: spec.population)
                var evolution = try NeuralNetEvolution(network: network, alleles: .uniform(genes: genes, rng: initRNG),
                                                       streams: streams, population: spec.population, selection: spec.selection)
                func testAccuracy(_ weights: (hidden: Matrix, output: Matrix)) -> Double {
                    let h = GeneticNetwork.hiddenActivity(test.inputs, weights: weights.hidden)
                    return Double(GeneticNetwork.evaluate(hidden: h, output: weights.output, labels: test.labels).correct) / Double(test.count)
                }
                for generation in 1...spec.generations {
                    let fitness = try evolution.generation(inputs: train.inputs, labels: train.labels, classes: classes, threads: jobs)
                    if generation % spec.evaluateEvery == 0 || generation == spec.generations {
                        let checkpoint = EvolutionCheckpoint(
                            genes: genes, run: run, generation: generation, meanFitness: fitness.reduce(0, +) / Double(fitness.count),
                            consensusAccuracy: testAccuracy(network.weights(genotype: evolution.alleles.consensus)),
                            expectedAccuracy: testAccuracy(network.expectedWeights(evolution.alleles)),
                            fixedFraction: evolution.fixedFraction)
                        progress(checkpoint)
                        checkpoints.append(checkpoint)
                    }
                }
                var signSGDAccuracy: Double?
                if let phase = spec.signSGD {
                    let rng = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.dataOrder(run: run) + UInt64(configuration))
                    let weights = network.weights(genotype: evolution.alleles.sample(rng: rng))
                    let h = GeneticNetwork.hiddenActivity(train.inputs, weights: weights.hidden)
                    let readout = try ReadoutNetwork(
                        parameters: LayerParameters(weights: weights.output, bias: [Double](repeating: 0, count: classes)),
                        rule: .readoutGradient(.signSGD(rate: phase.rate)))
                    for _ in 0..<phase.iterations {
                        let rows = (0..<phase.batch).map { _ in rng.uniformInt(below: train.count) }
                        try readout.learn(hidden: h.gatherRows(rows), labels: rows.map { train.labels[$0] })
                    }
                    let predictions = readout.predictions(GeneticNetwork.hiddenActivity(test.inputs, weights: weights.hidden))
                    signSGDAccuracy = Double(zip(predictions, test.labels).filter { $0 == $1 }.count) / Double(test.count)
                }
                let last = checkpoints.last!
                summaries.append(EvolutionSummary(genes: genes, run: run, consensusAccuracy: last.consensusAccuracy,
                                                  expectedAccuracy: last.expectedAccuracy, signSGDAccuracy: signSGDAccuracy,
                                                  wallSeconds: Date().timeIntervalSince(started)))
            }
        }
        return EvolutionResult(spec: spec, checkpoints: checkpoints, summaries: summaries)
    }
}
