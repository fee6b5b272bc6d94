import Foundation
import Neuromod
import NeuromodTasks

/// One epoch of one method in one run on one dataset.
public struct KCapEpoch: Sendable, Codable, Equatable {
    public var dataset: String
    public var method: String
    public var run: Int
    public var epoch: Int
    /// The share of the epoch's examples predicted correctly before their own update (rules), or
    /// of minibatch rows before their step (baselines).
    public var onlineAccuracy: Double
    /// The share of the training set predicted correctly after the epoch.
    public var trainAccuracy: Double
    public var testAccuracy: Double
    public var seconds: Double
}

/// A method's final test accuracy on a dataset in every run, and its final accuracy on the
/// training set (the authors' `train_given_rule` prints both; Table 2's T=1\* matches the latter,
/// see docs/plasticity-rules.md, "The T=1\* gap").
public struct KCapSummary: Sendable, Codable, Equatable {
    public var dataset: String
    public var method: String
    public var testAccuracy: [Double]
    public var meanTestAccuracy: Double
    public var trainAccuracy: [Double]
    public var meanTrainAccuracy: Double
    public var wallSeconds: Double
}

public struct PlasticityRulesResult: Sendable {
    public var spec: PlasticityRulesSpec
    public var epochs: [KCapEpoch]
    public var summaries: [KCapSummary]
    /// The rules the `meta-learned` methods learned, one per method.
    public var learnedRules: [LearnedRule] = []
}

/// Runs a ``PlasticityRulesSpec``. Per dataset and run, every method draws its network (G, A's
/// mask, A) from the same stream (so T=1 and T=1\* share G and the mask) and sees the same
/// example orders; jobs are (dataset, run, method) triples, each seeded by its own streams, so the
/// numbers do not depend on `jobs`.
struct PlasticityRulesRunner {
    let spec: PlasticityRulesSpec

    func run(jobs: Int, learned report: @escaping @Sendable (LearnedRule) -> Void = { _ in },
             progress: @escaping @Sendable (KCapEpoch) -> Void) throws -> PlasticityRulesResult {
        let data = try spec.datasets.indices.map(load)
        let learned = try learnRules(data: data, jobs: jobs, progress: report)
        let m = spec.methods.count, r = spec.runs
        let histories = try parallelMap(count: data.count * r * m, jobs: jobs) { job in
            try train(dataset: job / (r * m), run: job / m % r, method: job % m, data: data[job / (r * m)],
                      learned: learned[spec.methods[job % m].name], progress: progress)
        }
        var summaries: [KCapSummary] = []
        for d in spec.datasets.indices {
            for (k, method) in spec.methods.enumerated() {
                let runs = (0..<r).map { histories[(d * r + $0) * m + k] }
                let finals = runs.map { $0.last!.testAccuracy }, trainFinals = runs.map { $0.last!.trainAccuracy }
                summaries.append(KCapSummary(dataset: spec.datasets[d].name, method: method.name, testAccuracy: finals,
                                             meanTestAccuracy: finals.reduce(0, +) / Double(r),
                                             trainAccuracy: trainFinals, meanTrainAccuracy: trainFinals.reduce(0, +) / Double(r),
                                             wallSeconds: runs.reduce(0) { $0 + $1.reduce(0) { $0 + $1.seconds } }))
            }
        }
        return PlasticityRulesResult(spec: spec, epochs: histories.flatMap { $0 }, summaries: summaries,
                                     learnedRules: spec.methods.compactMap { learned[$0.name] })
    }

    /// The training and test sets of dataset `d` (image subsets and teachers drawn by the seed).
    private func load(_ d: Int) throws -> (train: ClassificationSet, test: ClassificationSet) {
        let rng = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.dataset(d))
        switch spec.datasets[d].source {
        case .images(let folder, let train):
            return (try ImageClassification.loadRandomSubset(folder: folder, split: .train, count: train, rng: rng),
                    try ImageClassification.loadRandomSubset(folder: folder, split: .test, count: nil, rng: rng))
        case .teacher(let teacher, let distribution, let dimension, let train, let test, let width):
            return try teacher.make(dimension: dimension, train: train, test: test, distribution: distribution, width: width, rng: rng)
        }
    }

    /// - Parameter learned: a `meta-learned` method's rule, whose tables replace the template's.
    private func train(dataset d: Int, run: Int, method k: Int, data: (train: ClassificationSet, test: ClassificationSet),
                       learned: LearnedRule?, progress: @Sendable (KCapEpoch) -> Void) throws -> [KCapEpoch] {
        let method = spec.methods[k], offset = UInt64(d)
        let configuration = spec.configuration(method, inputs: data.train.inputs.cols, classes: max(data.train.classes, data.test.classes))
        let network = try KCapNetwork(configuration, initialWeight: method.initialWeight,
                                      rng: try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: run) + offset))
        let order = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.dataOrder(run: run) + offset)
        let drives = network.drives(data.train.inputs), labels = data.train.labels
        var history: [KCapEpoch] = []
        func record(_ epoch: Int, _ network: KCapNetwork, online: Double, started: Date) {
            let e = KCapEpoch(dataset: spec.datasets[d].name, method: method.name, run: run, epoch: epoch, onlineAccuracy: online,
                              trainAccuracy: Self.accuracy(network, data.train), testAccuracy: Self.accuracy(network, data.test), seconds: Date().timeIntervalSince(started))
            progress(e)
            history.append(e)
        }
        switch method.learning {
        case .rule(let template, let edges, let margin):
            let rule = learned.map { Self.rule(template, learned: $0) } ?? template
            let ties = spec.ties == .random ? try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.instanceNoise(run: run) + offset) : nil
            let engine = try KCapEngine(rule: rule, network: network, outputEdges: edges, margin: margin, tieRNG: ties)
            for epoch in 1...spec.epochs {
                let started = Date()
                var correct = 0
                drives.storage.withUnsafeBufferPointer { p in
                    for n in order.permutation(labels.count) {
                        let row = UnsafeBufferPointer(rebasing: p[(n * drives.cols)..<((n + 1) * drives.cols)])
                        if engine.train(drive: row, label: labels[n]) { correct += 1 }
                    }
                }
                record(epoch, engine.network, online: Double(correct) / Double(labels.count), started: started)
            }
        case .gradient(let scope, let adam, let batch):
            var gd = KCapGradientDescent(network: network, scope: scope, adam: adam)
            let features = scope == .output ? network.finalActivity(drives: drives) : nil
            for epoch in 1...spec.epochs {
                let started = Date()
                var correct = 0
                let permutation = order.permutation(labels.count)
                for first in stride(from: 0, to: labels.count, by: batch) {
                    let rows = Array(permutation[first..<min(first + batch, labels.count)])
                    let batchLabels = rows.map { labels[$0] }, batchDrives = drives.gatherRows(rows)
                    correct += zip(gd.network.predict(drives: batchDrives), batchLabels).filter { $0 == $1 }.count
                    gd.step(drives: batchDrives, labels: batchLabels, features: features?.gatherRows(rows))
                }
                record(epoch, gd.network, online: Double(correct) / Double(labels.count), started: started)
            }
        }
        return history
    }

    /// The share of `set` predicted correctly, 2 000 rows at a time (one GEMM for the drives, one
    /// per round, one for the readout).
    static func accuracy(_ network: KCapNetwork, _ set: ClassificationSet) -> Double {
        var correct = 0
        for first in stride(from: 0, to: set.count, by: 2000) {
            let rows = Array(first..<min(first + 2000, set.count))
            let predicted = network.predict(drives: network.drives(set.inputs.gatherRows(rows)))
            correct += zip(predicted, rows).filter { $0 == set.labels[$1] }.count
        }
        return Double(correct) / Double(max(set.count, 1))
    }
}
