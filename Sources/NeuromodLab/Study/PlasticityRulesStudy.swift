import Foundation
import Neuromod

/// Plasticity-rules studies (a `kcap:` section): seed 002's simple RNN trained by table rules or
/// gradient descent (docs/plasticity-rules.md).
extension PlasticityRulesSpec {
    public static let kind = StudyKind(
        name: "plasticity-rules", section: "kcap", title: "plasticity-rules study",
        fields: [
            SpecField("kcap", "required: the network and the data (seed 002, §2)", [
                SpecField("nodes", "required: n, units of the graph G"),
                SpecField("cap", "required: k, units kept per round, ≤ nodes"),
                SpecField("edge_probability", "optional: p, each ordered pair i ≠ j an edge of G (and an input edge kept, with input_mask `masked`); default 0.5"),
                SpecField("epochs", "required, > 0: passes over the training set"),
                SpecField("recurrence", "optional: `paper` (c_k(ReLU(W h + A x)), the default) or `code` (W(h + A x) + b after round 1)"),
                SpecField("fired", "optional: `nonzero` (h ≠ 0 after the round, the text; the default) or `topk-index` (selected, the code)"),
                SpecField("ties", "optional: the cap's order among equal drives, `lowest-index` (the default) or `random`"),
                SpecField("input_mask", "optional: `masked` (each input edge kept with probability p, the code; the default) or `dense` (the text)"),
                KCapDataset.fields,
                KCapRobustness.fields,
            ]),
            KCapMethod.fields,
        ],
        options: [.methods, .epochs])

    public var methodNames: [String] { methods.map(\.name) }
    /// Every method of a run draws the same G and A's mask and sees the same example orders, so a
    /// method run alone gives the numbers it gives beside the others.
    public mutating func keepMethods(_ names: [String]) { methods = methods.filter { names.contains($0.name) } }
    public mutating func applyOwn(_ overrides: StudyOverrides) {
        if let epochs = overrides.epochs { self.epochs = epochs }
    }
    public var overview: String {
        "plasticity-rules study '\(name)' (\(methods.count) methods × \(datasets.count) datasets × \(runs) runs × \(epochs) epochs, n \(nodes), k \(cap))"
    }
    public func timeEstimate(jobs: Int) -> TimeEstimate { TimeEstimate(self, jobs: jobs) }

    public func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void) throws -> PlasticityRulesResult {
        let learning = trainedMethods.filter { $0.meta != nil }.count
        let points = robustness.map { $0.attacks.count * $0.epsilons.count } ?? 0
        let counter = ProgressCounter(total: datasets.count * methods.count * runs * (epochs + points) + learning), epochs = self.epochs
        return try PlasticityRulesRunner(spec: self).run(jobs: jobs, learned: { rule in
            progress(counter.step(line: String(format: "%@: rule learned on %@ in %d epochs, loss %.4f → %.4f (%.1f s)", rule.method,
                                               rule.source, rule.losses.count, rule.losses.first ?? .nan, rule.losses.last ?? .nan, rule.seconds), milestone: true))
        }) { report in
            switch report {
            case .epoch(let e):
                progress(counter.step(line: String(format: "%@ %@ run %d epoch %d/%d: test accuracy %.2f%% (%.1f s)", e.dataset, e.method,
                                                   e.run + 1, e.epoch, epochs, 100 * e.testAccuracy, e.seconds), milestone: true))
            case .attack(let p):
                progress(counter.step(line: String(format: "%@ %@ run %d attack %@ ε %g: robust accuracy %.0f%% (%.1f s)", p.dataset, p.method,
                                                   p.run + 1, p.attack, p.epsilon, 100 * p.robustAccuracy, p.seconds), milestone: true))
            }
        }
    }
}

/// A plasticity-rules study's files:
///
/// | file | contents |
/// |---|---|
/// | `accuracy.csv` | `dataset,method,run,epoch,online_accuracy,train_accuracy,test_accuracy,seconds` |
/// | `robustness.csv` | with `kcap.robustness`: `dataset,method,run,attack,epsilon,robust_accuracy,seconds` |
/// | `summary.json` | per dataset and method: final test and training-set accuracy of each run, their means, wall time; per (dataset, method, attack, ε) the robust accuracy of each run and their mean |
/// | `rules.json` | `meta-learned` methods only: per method the learned r and r_o (and the NN rule's parameters), the loss per outer epoch |
extension PlasticityRulesResult: StudyOutcome {
    public func dataFiles() throws -> ResultFiles {
        var files = [ResultWriter.csv("accuracy.csv", header: "dataset,method,run,epoch,online_accuracy,train_accuracy,test_accuracy,seconds", epochs) { e in
            "\(ResultWriter.csvField(e.dataset)),\(ResultWriter.csvField(e.method)),\(e.run),\(e.epoch),\(e.onlineAccuracy),\(e.trainAccuracy),\(e.testAccuracy),\(e.seconds)"
        }] + (learnedRules.isEmpty ? [] : [("rules.json", try ResultWriter.jsonEncoder.encode(learnedRules))])
        if spec.robustness != nil {
            files += [ResultWriter.csv("robustness.csv", header: "dataset,method,run,attack,epsilon,robust_accuracy,seconds", robustness) { p in
                "\(ResultWriter.csvField(p.dataset)),\(ResultWriter.csvField(p.method)),\(p.run),\(ResultWriter.csvField(p.attack)),\(p.epsilon),\(p.robustAccuracy),\(p.seconds)"
            }]
        }
        return files
    }

    public var summary: PlasticityRulesResultWriter.SummaryFile {
        PlasticityRulesResultWriter.SummaryFile(kind: PlasticityRulesSpec.kind.name, name: spec.name, seed: spec.seed, runs: spec.runs,
                                                nodes: spec.nodes, cap: spec.cap, epochs: spec.epochs, results: summaries,
                                                robustness: KCapRobustSummary.group(robustness))
    }

    public var table: String {
        let rows = summaries.map { s in
            [s.dataset, s.method, String(format: "%.2f", 100 * s.meanTestAccuracy),
             s.testAccuracy.map { String(format: "%.2f", 100 * $0) }.joined(separator: " "),
             String(format: "%.2f", 100 * s.meanTrainAccuracy), String(format: "%.1f", s.wallSeconds)]
        }
        let accuracy = TextTable.render(
            title: "\(spec.name): n \(spec.nodes), k \(spec.cap), p \(spec.edgeProbability), \(spec.epochs) epochs, \(spec.runs) runs, seed \(spec.seed)",
            header: ["dataset", "method", "test accuracy %", "per run", "train accuracy %", "wall s"], rows: rows)
        guard let r = spec.robustness else { return accuracy }
        // One row per (dataset, method, attack): the mean robust accuracy at each ε.
        let points = KCapRobustSummary.group(robustness), columns = r.epsilons.count
        let robust = stride(from: 0, to: points.count, by: columns).map { first in
            [points[first].dataset, points[first].method, points[first].attack]
                + points[first..<(first + columns)].map { String(format: "%.0f", 100 * $0.meanRobustAccuracy) }
        }
        return accuracy + "\n" + TextTable.render(
            title: "robust accuracy % on \(r.images) test images (an image counts if no targeted attack succeeds)",
            header: ["dataset", "method", "attack"] + r.epsilons.map { String(format: "ε %g", $0) }, rows: robust)
    }
}

/// The namespace of a plasticity-rules study's `summary.json`.
public enum PlasticityRulesResultWriter {
    public struct SummaryFile: Codable, Sendable {
        public var kind: String
        public var name: String
        public var seed: UInt64
        public var runs: Int
        public var nodes: Int
        public var cap: Int
        public var epochs: Int
        public var results: [KCapSummary]
        /// Empty without `kcap.robustness`.
        public var robustness: [KCapRobustSummary]
    }
}
