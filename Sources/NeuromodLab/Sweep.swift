import Foundation

/// One configuration of a hyperparameter sweep and how it did over its runs.
public struct SweepRow: Sendable, Equatable {
    public var method: String
    public var learningRate: Double
    /// nil for backprop.
    public var sigma: Double?
    public var runs: Int
    public var diverged: Int
    /// Mean and standard deviation over non-diverged runs of the final clean training loss.
    public var meanFinalLoss: Double
    public var sdFinalLoss: Double
    /// Variance across runs of the minibatch loss, averaged over updates (the thesis's stability measure).
    public var meanVarianceAcrossRuns: Double
    /// Rank within its method, from 1 (best).
    public var rank: Int
}

/// A hyperparameter grid search (thesis §4.1.4): every configuration of every grid in the spec is
/// trained for the spec's runs, then the configurations of each method are ranked — fewest diverged
/// runs first, then lowest mean final training loss, then lowest variance across runs.
public struct Sweep: Sendable {
    public let spec: ExperimentSpec

    public init(spec: ExperimentSpec) throws {
        guard !spec.sweep.isEmpty else {
            throw SpecError(file: spec.file, field: "sweep", message: "the spec has no sweep grids; add e.g. sweep: {WP: {learning_rate: [0.3, 0.5], sigma: [0.1, 0.2]}}")
        }
        self.spec = spec
    }

    /// The methods of the sweep: one per configuration, named "METHOD η=… σ=…".
    public var configurations: [MethodSpec] {
        spec.sweep.flatMap { grid -> [MethodSpec] in
            let base = spec.methods.first { $0.name == grid.method }!
            return grid.learningRates.flatMap { eta -> [MethodSpec] in
                switch base.rule {
                case .backprop(_, let loss):
                    return [MethodSpec(name: "\(grid.method) η=\(eta)", rule: .backprop(learningRate: eta, loss: loss))]
                case .local(let rule):
                    return grid.sigmas.map { sigma in
                        var r = rule
                        r.learningRate = eta
                        r.sigma = sigma
                        return MethodSpec(name: "\(grid.method) η=\(eta) σ=\(sigma)", rule: .local(r))
                    }
                }
            }
        }
    }

    /// Trains every configuration (runs spread over `jobs` threads) and ranks them. Diverged runs are
    /// counted, never fatal.
    public func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void = { _ in }) throws -> (rows: [SweepRow], result: ExperimentResult) {
        var expanded = spec
        expanded.methods = configurations
        expanded.training.onDivergence = .record
        let result = try expanded.run(jobs: jobs, progress: progress)
        var rows: [SweepRow] = []
        for grid in spec.sweep {
            let prefix = "\(grid.method) η="
            var group = zip(expanded.methods, result.summaries).filter { $0.0.name.hasPrefix(prefix) }.map { method, summary in
                let stable = summary.finalTrainLoss.enumerated().filter { !summary.diverged[$0.offset] }.map(\.element)
                let mean = stable.isEmpty ? Double.nan : stable.reduce(0, +) / Double(stable.count)
                let sd = stable.count < 2 ? 0 : (stable.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(stable.count - 1)).squareRoot()
                let sigma: Double? = { if case .local(let r) = method.rule { return r.sigma } else { return nil } }()
                return SweepRow(method: grid.method, learningRate: method.rule.learningRate, sigma: sigma,
                                runs: summary.runs, diverged: summary.diverged.filter { $0 }.count,
                                meanFinalLoss: mean, sdFinalLoss: sd,
                                meanVarianceAcrossRuns: summary.meanVarianceAcrossRuns, rank: 0)
            }
            group.sort { a, b in
                if a.diverged != b.diverged { return a.diverged < b.diverged }
                let la = a.meanFinalLoss.isNaN ? .infinity : a.meanFinalLoss, lb = b.meanFinalLoss.isNaN ? .infinity : b.meanFinalLoss
                if la != lb { return la < lb }
                return a.meanVarianceAcrossRuns < b.meanVarianceAcrossRuns
            }
            for i in group.indices { group[i].rank = i + 1 }
            rows += group
        }
        return (rows, result)
    }

    /// `sweep.csv`: one line per configuration, ranked within each method.
    public static func csv(_ rows: [SweepRow]) -> String {
        var text = "method,rank,learning_rate,sigma,runs,diverged,mean_final_loss,sd_final_loss,mean_variance_across_runs\n"
        for r in rows {
            text += "\(r.method),\(r.rank),\(r.learningRate),\(r.sigma.map { "\($0)" } ?? ""),\(r.runs),\(r.diverged),"
                + "\(r.meanFinalLoss),\(r.sdFinalLoss),\(r.meanVarianceAcrossRuns)\n"
        }
        return text
    }
}
