import Foundation
import Neuromod
import NeuromodTasks

/// Evolution studies (an `evolution:` section): seed 003's neural net evolution
/// (docs/dopamine-and-evolution.md).
extension EvolutionSpec {
    public static let kind = StudyKind(
        name: "evolution", section: "evolution", title: "evolution study",
        fields: [
            ImageDataSpec.fields,
            SpecField("evolution", "required", [
                SpecField("hidden", "required: ReLU hidden neurons"),
                SpecField("input_density", "required: probability of each input–hidden link, in (0, 1]"),
                SpecField("genes", "required: list of numbers of genes, one evolution per value"),
                SpecField("gene_density", "required: β, the probability that a gene enters a link's weight, in (0, 1]"),
                SpecField("population", "required: genotypes per generation"), SpecField("generations", "required, > 0"),
                SpecField("selection", "required, > 0: ε of the weak-selection update"),
                SpecField("evaluate_every", "optional: generations between test-set evaluations, default a tenth"),
            ]),
            SpecField("sign_sgd", "optional, NNE + SignSGD on the output layer of a genotype drawn from the evolved frequencies", [
                SpecField("rate", "required, > 0"), SpecField("batch", "optional, default 50"), SpecField("iterations", "required: minibatches"),
            ]),
        ],
        options: [.generations])

    public var methodNames: [String] { [] }
    public mutating func keepMethods(_ names: [String]) {}
    public mutating func applyOwn(_ overrides: StudyOverrides) {
        if let generations = overrides.generations {
            self.generations = generations
            evaluateEvery = min(evaluateEvery, generations)
        }
    }
    public var overview: String {
        "evolution study '\(name)' (genes \(genes.map(String.init).joined(separator: ", ")) × \(runs) runs × \(generations) generations of \(population))"
    }
    public func timeEstimate(jobs: Int) -> TimeEstimate { TimeEstimate(self, jobs: jobs) }

    public func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void) throws -> EvolutionResult {
        let checkpoints = (generations + evaluateEvery - 1) / evaluateEvery, total = generations
        let counter = ProgressCounter(total: genes.count * runs * checkpoints)
        return try EvolutionRunner(spec: self).run(jobs: jobs) { c in
            let line = String(format: "genes %d run %d generation %d/%d: mean fitness %.4f, test accuracy %.2f%% (consensus) %.2f%% (expected), %.0f%% of genes fixed",
                              c.genes, c.run + 1, c.generation, total, c.meanFitness, 100 * c.consensusAccuracy,
                              100 * c.expectedAccuracy, 100 * c.fixedFraction)
            progress(counter.step(line: line, milestone: true))
        }
    }
}

/// An evolution study's files:
///
/// | file | contents |
/// |---|---|
/// | `generations.csv` | `genes,run,generation,mean_fitness,consensus_accuracy,expected_accuracy,fixed_fraction` |
/// | `summary.json` | per number of genes and run: final accuracies, NNE + SignSGD accuracy, wall time |
extension EvolutionResult: StudyOutcome {
    public func dataFiles() throws -> ResultFiles {
        [ResultWriter.csv("generations.csv", header: "genes,run,generation,mean_fitness,consensus_accuracy,expected_accuracy,fixed_fraction",
                          checkpoints) { c in
            "\(c.genes),\(c.run),\(c.generation),\(c.meanFitness),\(c.consensusAccuracy),\(c.expectedAccuracy),\(c.fixedFraction)"
        }]
    }

    public var summary: EvolutionResultWriter.SummaryFile {
        EvolutionResultWriter.SummaryFile(
            kind: EvolutionSpec.kind.name, name: spec.name, seed: spec.seed, runs: spec.runs, hidden: spec.hidden, population: spec.population,
            generations: spec.generations, geneDensity: spec.geneDensity, selection: spec.selection, results: summaries)
    }

    public var table: String {
        let rows = summaries.map { s in
            ["\(s.genes)", "\(s.run + 1)", String(format: "%.2f", 100 * s.consensusAccuracy), String(format: "%.2f", 100 * s.expectedAccuracy),
             s.signSGDAccuracy.map { String(format: "%.2f", 100 * $0) } ?? "–", String(format: "%.1f", s.wallSeconds)]
        }
        return TextTable.render(
            title: "\(spec.name): classes \(spec.data.classes.map(String.init).joined(separator: ",")), hidden \(spec.hidden), population \(spec.population), \(spec.generations) generations, seed \(spec.seed)",
            header: ["genes", "run", "NNE test accuracy % (consensus)", "expected network %", "NNE + SignSGD %", "wall s"], rows: rows)
    }
}

/// The namespace of an evolution study's `summary.json`.
public enum EvolutionResultWriter {
    public struct SummaryFile: Codable, Sendable {
        public var kind: String
        public var name: String
        public var seed: UInt64
        public var runs: Int
        public var hidden: Int
        public var population: Int
        public var generations: Int
        public var geneDensity: Double
        public var selection: Double
        public var results: [EvolutionSummary]
    }
}
