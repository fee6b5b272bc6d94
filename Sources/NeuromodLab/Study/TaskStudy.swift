import Foundation
import Neuromod
import NeuromodTasks

/// Task studies (a `task:` section): supervised learning on the sinusoid or a table (README, "Spec format").
extension ExperimentSpec {
    public static let kind = StudyKind(
        name: "task", section: "task", title: "task study",
        fields: [
            SpecField("task", "required: where the data comes from", [
                SpecField("kind", "required: `sinusoid` (y = sin(frequency·x) + N(0, noise²), generated from the seed) or `table` (a CSV file)"),
                SpecField("low", "sinusoid: x range start"), SpecField("high", "sinusoid: x range end"),
                SpecField("samples", "sinusoid: points, evenly spaced on [low, high]"), SpecField("noise", "sinusoid: σ of the target noise"),
                SpecField("frequency", "sinusoid, optional: default 1"),
                SpecField("path", "table: the CSV file (plain or gzip)"),
                SpecField("inputs", "table, optional: input columns (default: every column that is not a target)"),
                SpecField("targets", "table: target columns"), SpecField("test_fraction", "table, optional: in [0, 1), default 0.2"),
                SpecField("standardize_inputs", "table, optional: z-score the inputs (fit on the training part), default true"),
                SpecField("standardize_targets", "table, optional: z-score the targets, default false"),
            ]),
            SpecField("network", "required: the layers after the input", [
                SpecField("input", "required, > 0: input size"),
                SpecField("layers", "required: one entry per layer after the input", [
                    SpecField("size", "required, > 0"),
                    SpecField("activation", "required: `linear`, `sigmoid`, `tanh`, `relu`, `leaky-relu`, `leaky-relu(SLOPE)`, `softmax`"),
                    SpecField("noise", "optional: σ of the layer's intrinsic white Gaussian noise"),
                    SpecField("noise_site", "optional, with noise: `output` (default) or `pre-activation`"),
                    SpecField("leak_steps", "optional: membrane time constant τ in steps (not with backprop)"),
                    SpecField("connection_probability", "optional: 0 < p ≤ 1, the density of the incoming projection"),
                ], list: true),
                SpecField("init", "optional: `uniform` (default), `xavier-normal`, `kaiming-uniform`"),
                SpecField("initial_weights", "optional: a `.npz` written by `--save-weights` (path relative to the spec) that every run starts from; checked against the layers (docs/weights.md)"),
            ]),
            SpecField("training", "required: the schedule", [
                SpecField("batch_size", "required: at most the training set's size"), SpecField("epochs", "required, > 0"),
                SpecField("data_order", "optional: `per-run` (default, each run shuffles its own) or `shared`"),
                SpecField("threshold", "optional, > 0: the best run is the one with fewest updates to a minibatch loss below it"),
                SpecField("on_divergence", "optional: `stop` (default: a NaN/Inf loss ends the study) or `record`"),
                SpecField("precision", "optional: `float64` (default) or `float32`: the minibatch step in single precision, for BP, WP, 3F-WP and 3F-NP on networks without leak, intrinsic noise or sparse projections, on one OpenBLAS thread (docs/precision.md)"),
            ]),
            SpecField("methods", "required: one or more, each trained for every run", [
                SpecField("name", "optional: default the rule's name; unique"),
                SpecField("rule", "required: `backprop`, a preset (\(RulePresets.all.map { "`\($0.name)`" }.joined(separator: ", "))), or a declared rule as a mapping (docs/rules.md)"),
                SpecField("learning_rate", "required for a named rule"),
                SpecField("loss", "optional: `mse` (default) or `cross-entropy`"),
                SpecField("sigma", "required for a preset: the probe scale σ (the step c for spsa)"),
                SpecField("variant", "optional, for the presets that have variants (three-factor-wp's reading)"),
                SpecField("distribution", "optional, for \(RulePresets.all.filter(\.choosesDistribution).map { "`\($0.name)`" }.joined(separator: " and ")): the probe ε, `gaussian` (default, N(0, σ²)) or `rademacher` (±σ with probability ½ each, drawn from bits)"),
                SpecField("baseline", "optional: `batch-mean` (default) or `running-average`"),
                SpecField("baseline_rate", "with running-average: in (0, 1]"),
            ], list: true),
            SpecField("sweep", "optional, for `neuromod sweep`: per method name, lists of `learning_rate` and `sigma`"),
        ],
        options: [.methods, .dataOrder, .saveWeights])

    public var methodNames: [String] { methods.map(\.name) }
    public mutating func keepMethods(_ names: [String]) { methods = methods.filter { names.contains($0.name) } }
    public mutating func applyOwn(_ overrides: StudyOverrides) {
        if let order = overrides.dataOrder { training.dataOrder = order }
    }
    public var overview: String { "task study '\(name)' (\(methods.count) methods × \(runs) runs × \(training.epochs) epochs)" }
    public func timeEstimate(jobs: Int) -> TimeEstimate { TimeEstimate(self, jobs: jobs) }

    public func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void) throws -> ExperimentResult {
        if training.precision == .float32, BLASThreads.current > 1 {
            throw SpecError(file: header.file, field: "training.precision",
                            message: "float32 runs its products on one OpenBLAS thread (sgemm's bits depend on the thread count): use --blas-threads 1, not \(BLASThreads.current)")
        }
        RunContext.update { $0.precision = training.precision.rawValue }
        let counter = ProgressCounter(total: methods.count * runs * training.epochs)
        return try Runner(spec: self).run(jobs: jobs) { p in
            progress(counter.step(line: String(format: "%@ run %d/%d epoch %d/%d: loss %.4g", p.method, p.run + 1, p.runs,
                                               p.epoch, p.epochs, p.epochLoss), milestone: p.epoch == p.epochs))
        }
    }
}

/// A task study's files:
///
/// | file | contents |
/// |---|---|
/// | `metrics.csv` | `method,run,epoch,step,compute,loss,rule_loss`: per minibatch update, the clean loss of the batch before the update and the loss of the pass the rule learned from; compute in forward-pass equivalents per instance |
/// | `epochs.csv` | `method,run,epoch,train_loss,test_loss`: clean losses on the whole sets after each epoch |
/// | `curves.csv` | `method,step,epoch,compute,mean_loss,variance_across_runs,best_run_loss,runs`: the thesis's figures' data |
/// | `timing.csv` | `method,run,step,seconds`: wall-clock time since the run started, after each update |
/// | `summary.json` | per method: final losses, updates to threshold, best run, mean variance across runs, divergences, wall time; `precision` when it is `float32` (absent: float64) |
///
/// `metrics.csv`, `epochs.csv` and `curves.csv` depend only on the spec and seed; `timing.csv` and
/// `summary.json` also hold wall times.
extension ExperimentResult: StudyOutcome {
    public func dataFiles() throws -> ResultFiles {
        let csv = ResultWriter.csvField
        let fpe = Dictionary(uniqueKeysWithValues: spec.methods.map { ($0.name, $0.rule.forwardPassEquivalents) })
        return [
            ResultWriter.csv("metrics.csv", header: "method,run,epoch,step,compute,loss,rule_loss", steps) { s in
                "\(csv(s.method)),\(s.run),\(s.epoch),\(s.step),\(Double(s.step) * fpe[s.method]!),\(s.loss),\(s.ruleLoss)"
            },
            ResultWriter.csv("epochs.csv", header: "method,run,epoch,train_loss,test_loss", epochs) { e in
                "\(csv(e.method)),\(e.run),\(e.epoch),\(e.trainLoss),\(e.testLoss.map { "\($0)" } ?? "")"
            },
            ResultWriter.csv("curves.csv", header: "method,step,epoch,compute,mean_loss,variance_across_runs,best_run_loss,runs", curves) { c in
                "\(csv(c.method)),\(c.step),\(c.epoch),\(c.compute),\(c.meanLoss),\(c.varianceAcrossRuns),\(c.bestRunLoss),\(c.runs)"
            },
            ResultWriter.csv("timing.csv", header: "method,run,step,seconds", steps) { s in "\(csv(s.method)),\(s.run),\(s.step),\(s.seconds)" },
        ]
    }

    public var summary: ResultWriter.SummaryFile {
        ResultWriter.SummaryFile(kind: ExperimentSpec.kind.name, name: spec.name, seed: spec.seed, runs: spec.runs,
                                 precision: spec.training.precision == .float64 ? nil : spec.training.precision.rawValue,
                                 methods: summaries)
    }

    public var table: String {
        let threshold = spec.training.threshold
        var header = ["method", "runs", "diverged", "final train loss", "final test loss", "best run (final)"]
        if let threshold { header.append("updates to < \(threshold)") }
        header += ["mean var across runs", "wall s"]
        let rows = summaries.map { s -> [String] in
            let stable = s.diverged.indices.filter { !s.diverged[$0] }
            var row = [s.method, "\(s.runs)", "\(s.diverged.filter { $0 }.count)",
                       TextTable.meanSD(stable.map { s.finalTrainLoss[$0] }),
                       s.finalTestLoss.isEmpty ? "–" : TextTable.meanSD(stable.map { s.finalTestLoss[$0] }),
                       String(format: "%d (%.4g)", s.bestRun, s.bestRunFinalTrainLoss)]
            if threshold != nil {
                let reached = s.updatesToThreshold.compactMap { $0 }
                row.append(reached.isEmpty ? "never" : "best \(reached.min()!), \(reached.count)/\(s.runs) runs")
            }
            return row + [String(format: "%.3g", s.meanVarianceAcrossRuns), String(format: "%.1f", s.wallSeconds)]
        }
        return TextTable.render(title: "\(spec.name): \(spec.runs) runs, seed \(spec.seed)", header: header, rows: rows)
    }
}
