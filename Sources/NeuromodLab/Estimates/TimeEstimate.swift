import Foundation
import Neuromod

/// A rough wall time for `neuromod run` (release build), from the spec's amount of work and costs
/// fitted to the studies in Notebooks-export/ (their `summary.json` wall times, 2 cores). It is
/// meant to tell seconds from hours, not to schedule: expect a factor of two either way.
///
/// | kind | work | cost per unit and core |
/// |---|---|---|
/// | task | updates × batch × parameters | 2 ns (backprop, node perturbation); 30 ns (rules that probe every weight); plus 150 µs per update |
/// | environment | steps ≤ episodes × step limit | 2 µs + 15 ns per parameter; an upper bound (episodes may end early) |
/// | readout | epochs × images × hidden, per method | 10 ns (the cache's row gathers dominate) |
/// | evolution | generations × population × images × inputs × hidden | 0.08 ns (one GEMM per genotype) |
public struct TimeEstimate: Sendable, Equatable {
    /// Seconds of wall time.
    public var seconds: Double
    /// Whether ``seconds`` bounds the time from above rather than estimating it (episodes of
    /// unknown length).
    public var isUpperBound: Bool

    public init(seconds: Double, isUpperBound: Bool = false) {
        self.seconds = seconds
        self.isUpperBound = isUpperBound
    }

    /// E.g. `about 3 min`, `at most 2.5 h`, `about 12 days`.
    public var description: String {
        let prefix = isUpperBound ? "at most" : "about"
        switch seconds {
        case ..<60: return "\(prefix) \(max(1, Int(seconds.rounded()))) s"
        case ..<3600: return "\(prefix) \(Int((seconds / 60).rounded())) min"
        case ..<(72 * 3600): return "\(prefix) \(String(format: "%.1f", seconds / 3600)) h"
        case ..<(1000 * 86400): return "\(prefix) \(Int((seconds / 86400).rounded())) days"
        default: return "more than 1000 days"
        }
    }

    init(_ spec: ExperimentSpec, jobs: Int) {
        let rows: Int
        switch spec.task {
        case .sinusoid(let task): rows = task.samples
        case .table(let table): rows = TableShape(path: table.path).rows * 4 / 5
        }
        var parameters = 0, fanIn = spec.network.inputSize
        for layer in spec.network.layers {
            parameters += (fanIn + 1) * layer.population.size
            fanIn = layer.population.size
        }
        let batch = Double(min(spec.training.batchSize, max(rows, 1)))
        let updates = Double(spec.runs * spec.training.epochs) * (Double(rows) / batch).rounded(.up)
        let coreSeconds = spec.methods.reduce(0.0) { total, method in
            total + updates * (150e-6 + batch * Double(parameters) * (method.rule.probesWeights ? 30e-9 : 2e-9))
        }
        self.init(seconds: coreSeconds / Double(max(1, min(jobs, spec.runs))))
    }

    init(_ spec: EpisodicSpec, jobs: Int) {
        let environment = try? spec.environment.kind.make(parameters: spec.environment.options)
        let sizes = [environment?.observationSize ?? 1] + spec.hidden + [environment?.actionCount ?? 1]
        let parameters = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
        let configurations = spec.methods.count * (spec.grid.map { $0.delays.count * $0.traces.count } ?? 1)
        let steps = Double(configurations * spec.runs * spec.training.episodes * (environment?.stepLimit ?? 1))
        self.init(seconds: steps * (2e-6 + 15e-9 * Double(parameters)) / Double(max(1, min(jobs, spec.runs))),
                  isUpperBound: true)
    }

    init(_ spec: ReadoutSpec, jobs: Int) {
        let shape = ImageDataShape(spec.data)
        let work = Double(spec.runs * spec.epochs * spec.methods.count) * Double(shape.trainKept + shape.test) * Double(spec.hidden)
        let cache = Double(spec.runs) * Double(shape.trainKept + shape.test) * Double(shape.width * spec.hidden) * 0.1e-9
        self.init(seconds: cache + work * 10e-9 / Double(max(1, min(jobs, spec.methods.count))))
    }

    init(_ spec: EvolutionSpec, jobs: Int) {
        let shape = ImageDataShape(spec.data)
        let work = Double(spec.runs * spec.genes.count * spec.generations * spec.population)
            * Double(shape.trainKept) * Double(shape.width * spec.hidden)
        self.init(seconds: work * 0.08e-9 / Double(max(1, min(jobs, spec.population))))
    }
}
