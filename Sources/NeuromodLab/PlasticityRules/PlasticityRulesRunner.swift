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
    /// Robust accuracy of every (dataset, run, method, attack, ε), in job order (`kcap.robustness`).
    public var robustness: [KCapRobustPoint] = []
}

/// What a plasticity-rules run reports while it goes: a finished epoch or a finished attack point.
enum KCapProgress: Sendable {
    case epoch(KCapEpoch)
    case attack(KCapRobustPoint)
}

/// Runs a ``PlasticityRulesSpec``. Per dataset and run, every method draws its network (G, A's
/// mask, A) from the same stream (so T=1 and T=1\* share G and the mask) and sees the same
/// example orders, and the same test images are attacked; jobs are (dataset, run, method) triples,
/// each seeded by its own streams, so the numbers do not depend on `jobs`. With transfer attacks,
/// every job keeps its trained network and the transfer attacks run in a second pass of jobs,
/// once every source of the (dataset, run) is trained.
struct PlasticityRulesRunner {
    let spec: PlasticityRulesSpec

    func run(jobs: Int, learned report: @escaping @Sendable (LearnedRule) -> Void = { _ in },
             progress: @escaping @Sendable (KCapProgress) -> Void) throws -> PlasticityRulesResult {
        let data = try spec.datasets.indices.map(load)
        let trained = spec.trainedMethods
        let learned = try learnRules(trained, data: data, jobs: jobs, progress: report)
        let m = spec.methods.count, t = trained.count, r = spec.runs
        let attacks = spec.robustness?.attacks ?? [], transfers = attacks.contains { $0.source != nil }
        let outcomes = try parallelMap(count: data.count * r * t, jobs: jobs) { job in
            let (d, run, k) = (job / (r * t), job / t % r, job % t)
            let (history, network) = try train(dataset: d, run: run, method: trained[k], data: data[d],
                                               learned: learned[trained[k].name]) { if k < m { progress(.epoch($0)) } }
            let points = k < m ? try attack(network, dataset: d, run: run, method: k, test: data[d].test, only: { attacks[$0].source == nil }) { progress(.attack($0)) } : []
            return (history: history, points: points, network: transfers ? network : nil)
        }
        // Job (d, run, k) of the training pass; the transfer pass covers k < m.
        func index(_ d: Int, _ run: Int, _ k: Int) -> Int { (d * r + run) * t + k }
        var points = outcomes.map(\.points)
        if transfers {
            let crafted = try parallelMap(count: data.count * r * m, jobs: jobs) { job in
                let (d, run, k) = (job / (r * m), job / m % r, job % m)
                let networks = Dictionary(uniqueKeysWithValues: trained.indices.map { (trained[$0].name, outcomes[index(d, run, $0)].network!) })
                return try attack(networks[trained[k].name]!, dataset: d, run: run, method: k, test: data[d].test,
                                  only: { attacks[$0].source != nil }, sources: networks) { progress(.attack($0)) }
            }
            for job in crafted.indices {
                let (d, run, k) = (job / (r * m), job / m % r, job % m), both = points[index(d, run, k)] + crafted[job]
                points[index(d, run, k)] = attacks.flatMap { a in both.filter { $0.attack == a.name } }
            }
        }
        let histories = outcomes.map(\.history)
        var summaries: [KCapSummary] = []
        for d in spec.datasets.indices {
            for (k, method) in spec.methods.enumerated() {
                let runs = (0..<r).map { histories[index(d, $0, k)] }
                let finals = runs.map { $0.last!.testAccuracy }, trainFinals = runs.map { $0.last!.trainAccuracy }
                summaries.append(KCapSummary(dataset: spec.datasets[d].name, method: method.name, testAccuracy: finals,
                                             meanTestAccuracy: finals.reduce(0, +) / Double(r),
                                             trainAccuracy: trainFinals, meanTrainAccuracy: trainFinals.reduce(0, +) / Double(r),
                                             wallSeconds: runs.reduce(0) { $0 + $1.reduce(0) { $0 + $1.seconds } }))
            }
        }
        let reported = histories.indices.filter { $0 % t < m }
        return PlasticityRulesResult(spec: spec, epochs: reported.flatMap { histories[$0] }, summaries: summaries,
                                     learnedRules: spec.methods.compactMap { learned[$0.name] }, robustness: reported.flatMap { points[$0] })
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

    /// Trains method `k` on dataset `d` in run `run`; returns its epochs and the trained network.
    /// - Parameter learned: a `meta-learned` method's rule, whose tables replace the template's.
    private func train(dataset d: Int, run: Int, method: KCapMethod, data: (train: ClassificationSet, test: ClassificationSet),
                       learned: LearnedRule?, progress: (KCapEpoch) -> Void) throws -> ([KCapEpoch], KCapNetwork) {
        let offset = UInt64(d)
        let configuration = spec.configuration(method, inputs: data.train.inputs.cols, classes: max(data.train.classes, data.test.classes))
        let network = try KCapNetwork(configuration, initialWeight: method.initialWeight,
                                      rng: try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: run) + offset))
        let order = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.dataOrder(run: run) + offset)
        let drives = network.drives(data.train.inputs), labels = data.train.labels
        var history: [KCapEpoch] = [], trained = network
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
            trained = engine.network
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
            trained = gd.network
        }
        return (history, trained)
    }

    /// The robust accuracy of a trained network under every attack (whose index `only` accepts) and
    /// ε of `kcap.robustness` (none without it), on test images drawn from the (dataset, run) stream
    /// every method shares; SPSA's directions from their (run, dataset, attack, ε) stream.
    /// - Parameter sources: the (dataset, run)'s trained networks by method name (transfer attacks).
    private func attack(_ network: KCapNetwork, dataset d: Int, run: Int, method k: Int, test: ClassificationSet,
                        only: (Int) -> Bool, sources: [String: KCapNetwork] = [:],
                        progress: (KCapRobustPoint) -> Void) throws -> [KCapRobustPoint] {
        guard let robustness = spec.robustness else { return [] }
        let rng = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.attackedImages(run: run) + UInt64(d))
        let (a, e) = (robustness.attacks.count, robustness.epsilons.count)
        var points: [KCapRobustPoint] = []
        try robustness.evaluate(network, test: test, rng: rng, only: only, sources: sources, directions: { attack, epsilon in
            try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.attackDirections(run: run) + UInt64((d * a + attack) * e + epsilon))
        }) { attack, epsilon, accuracy, seconds in
            let point = KCapRobustPoint(dataset: spec.datasets[d].name, method: spec.methods[k].name, run: run, attack: attack,
                                        epsilon: epsilon, robustAccuracy: accuracy, seconds: seconds)
            progress(point)
            points.append(point)
        }
        return points
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
