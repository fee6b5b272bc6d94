import Foundation
import Neuromod
import NeuromodTasks

/// Readout studies (a `readout:` section): seed 003's fixed random layer and trained readout
/// (docs/dopamine-and-evolution.md).
extension ReadoutSpec {
    public static let kind = StudyKind(
        name: "readout", section: "readout", title: "readout study",
        fields: [
            ImageDataSpec.fields,
            SpecField("readout", "required", [
                SpecField("hidden", "required: size of the fixed random ReLU layer (Kaiming uniform)"), SpecField("epochs", "required, > 0"),
            ]),
            SpecField("methods", "required: one or more", [
                SpecField("name", "optional: default the rule's name; unique"),
                SpecField("rule", "required: `dopaminergic` (seed 003's rule), `sign-sgd` or `adam` (the readout's error gradient)"),
                SpecField("rate", "required, > 0: the step size"), SpecField("batch", "optional: minibatch size, default 1"),
                SpecField("reading", "dopaminergic, optional: \(DopaminergicReading.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")), default `graded`"),
                SpecField("output_firing", "dopaminergic, optional: \(OutputFiring.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")), default `winner`"),
                SpecField("loss_threshold", "dopaminergic, optional: default 0.75"),
                SpecField("firing_threshold", "dopaminergic, optional: default 0"),
            ], list: true),
        ],
        options: [.methods, .epochs, .saveWeights])

    public var methodNames: [String] { methods.map(\.name) }
    /// Per run, every method sees the same fixed layer, first weights and image orders, so a method
    /// run alone gives the numbers it gives beside the others.
    public mutating func keepMethods(_ names: [String]) { methods = methods.filter { names.contains($0.name) } }
    public mutating func applyOwn(_ overrides: StudyOverrides) {
        if let epochs = overrides.epochs { self.epochs = epochs }
    }
    public var overview: String { "readout study '\(name)' (\(methods.count) methods × \(runs) runs × \(epochs) epochs, hidden \(hidden))" }
    public func timeEstimate(jobs: Int) -> TimeEstimate { TimeEstimate(self, jobs: jobs) }

    public func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void) throws -> ReadoutResult {
        let counter = ProgressCounter(total: methods.count * runs * epochs), epochs = self.epochs
        return try ReadoutRunner(spec: self).run(jobs: jobs) { e in
            progress(counter.step(line: String(format: "%@ run %d epoch %d/%d: train loss %.4f, test accuracy %.2f%%", e.method, e.run + 1,
                                               e.epoch, epochs, e.trainLoss, 100 * e.testAccuracy), milestone: true))
        }
    }
}

/// A readout study's files:
///
/// | file | contents |
/// |---|---|
/// | `curves.csv` | `method,run,epoch,train_loss,train_accuracy,test_accuracy` |
/// | `summary.json` | per method: final test accuracy of each run, their mean, wall time |
extension ReadoutResult: StudyOutcome {
    public func dataFiles() throws -> ResultFiles {
        [ResultWriter.csv("curves.csv", header: "method,run,epoch,train_loss,train_accuracy,test_accuracy", epochs) { e in
            "\(ResultWriter.csvField(e.method)),\(e.run),\(e.epoch),\(e.trainLoss),\(e.trainAccuracy),\(e.testAccuracy)"
        }]
    }

    public var summary: ReadoutResultWriter.SummaryFile {
        ReadoutResultWriter.SummaryFile(kind: ReadoutSpec.kind.name, name: spec.name, seed: spec.seed, runs: spec.runs, hidden: spec.hidden,
                                        epochs: spec.epochs, cacheSeconds: cacheSeconds, methods: summaries)
    }

    public var table: String {
        let rows = summaries.map { s in
            [s.method, String(format: "%.2f", 100 * s.meanTestAccuracy),
             s.testAccuracy.map { String(format: "%.2f", 100 * $0) }.joined(separator: " "), String(format: "%.1f", s.wallSeconds)]
        }
        return TextTable.render(
            title: "\(spec.name): hidden \(spec.hidden), \(spec.epochs) epochs, \(spec.runs) runs, seed \(spec.seed) (hidden layer cached in \(String(format: "%.1f", cacheSeconds)) s)",
            header: ["method", "test accuracy %", "per run", "wall s"], rows: rows)
    }
}

/// The namespace of a readout study's `summary.json`.
public enum ReadoutResultWriter {
    public struct SummaryFile: Codable, Sendable {
        public var kind: String
        public var name: String
        public var seed: UInt64
        public var runs: Int
        public var hidden: Int
        public var epochs: Int
        public var cacheSeconds: Double
        public var methods: [ReadoutSummary]
    }
}
