import Foundation
import Neuromod
import NeuromodTasks

/// One epoch of one method in one run of a readout study.
public struct ReadoutEpoch: Sendable, Codable, Equatable {
    public var method: String
    public var run: Int
    public var epoch: Int
    /// Mean minibatch cross-entropy over the epoch (each before its update).
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double
}

/// A method's final test accuracy in every run.
public struct ReadoutSummary: Sendable, Codable, Equatable {
    public var method: String
    public var testAccuracy: [Double]
    public var meanTestAccuracy: Double
    public var wallSeconds: Double
}

public struct ReadoutResult: Sendable {
    public var spec: ReadoutSpec
    public var epochs: [ReadoutEpoch]
    public var summaries: [ReadoutSummary]
    /// Seconds spent computing the fixed hidden layer's activity (all runs).
    public var cacheSeconds: Double
    /// Every method's final network per run — the fixed ReLU layer and the trained softmax readout
    /// (only with ``ReadoutRunner/keepsFinalNetworks``).
    public var finalNetworks: [FinalNetwork] = []
}

/// Runs a ``ReadoutSpec``: per run, the fixed hidden layer (stream purpose 2) and the readout's
/// initial weights are shared by every method, and so is the sample order of each epoch (purpose 3),
/// so methods are compared on the same draws.
public struct ReadoutRunner {
    public let spec: ReadoutSpec
    /// Whether ``run(jobs:progress:)`` returns every run's final network (default: the spec's
    /// ``StudyHeader/savesWeights``, `--save-weights`).
    public var keepsFinalNetworks: Bool

    public init(spec: ReadoutSpec) {
        self.spec = spec
        keepsFinalNetworks = spec.header.savesWeights
    }

    /// Progress after each epoch: (method, run, epoch, test accuracy).
    public typealias Progress = @Sendable (ReadoutEpoch) -> Void

    public func run(jobs: Int, progress: Progress = { _ in }) throws -> ReadoutResult {
        let (train, test) = try spec.data.load(seed: spec.seed)
        if let method = spec.methods.first(where: { $0.batch > train.count }) {
            throw SpecError(file: spec.file, field: "methods",
                            message: "method '\(method.name)': batch \(method.batch) is larger than the training set (\(train.count) images)")
        }
        let classes = spec.data.classes.count
        var epochs: [ReadoutEpoch] = [], seconds = [Double](repeating: 0, count: spec.methods.count)
        var accuracies = [[Double]](repeating: [], count: spec.methods.count)
        var cacheSeconds = 0.0, finals: [FinalNetwork] = []
        for run in 0..<spec.runs {
            let start = Date()
            let initRNG = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: run))
            let hiddenLayer = WeightInitializer.kaimingUniform.draw(pre: train.inputs.cols, post: spec.hidden, rng: initRNG)
            let readoutStart = WeightInitializer.uniform.draw(pre: spec.hidden, post: classes, rng: initRNG)
            let trainCache = FeatureCache(inputs: train.inputs, layer: hiddenLayer, activation: .relu)
            let testCache = FeatureCache(inputs: test.inputs, layer: hiddenLayer, activation: .relu)
            cacheSeconds += Date().timeIntervalSince(start)
            let perMethod = try parallelMap(count: spec.methods.count, jobs: jobs) { m -> ([ReadoutEpoch], Double, SavedNetwork?) in
                let started = Date()
                let method = spec.methods[m]
                let readout = try ReadoutNetwork(parameters: readoutStart, rule: method.rule)
                var history: [ReadoutEpoch] = []
                // Every method draws the same sequence of orders from its own copy of the stream.
                let orderRNG = try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.dataOrder(run: run))
                var loss = 0.0, batches = 0
                try MinibatchLoop(rows: train.count, batchSize: method.batch, epochs: spec.epochs, order: orderRNG).run(
                    learner: readout, inputColumns: spec.hidden, targetColumns: classes,
                    feed: { rows, input, target in
                        input = trainCache.gatherRows(rows)
                        ReadoutNetwork.oneHot(rows.map { train.labels[$0] }[...], into: &target)
                    },
                    onStep: { step in
                        loss += step.learnerLoss
                        batches += 1
                        return .proceed
                    },
                    onEpoch: { epoch in
                        guard readout.parameters.weights.storage.allSatisfy(\.isFinite) else {
                            throw RunError.diverged(method: method.name, run: run, epoch: epoch, step: batches, loss: loss / Double(batches),
                                                    hint: "the readout's weights are no longer finite; lower 'rate'")
                        }
                        let record = ReadoutEpoch(method: method.name, run: run, epoch: epoch, trainLoss: loss / Double(batches),
                                                  trainAccuracy: accuracy(readout, trainCache, train.labels),
                                                  testAccuracy: accuracy(readout, testCache, test.labels))
                        progress(record)
                        history.append(record)
                        loss = 0
                        batches = 0
                        return .proceed
                    })
                let final = keepsFinalNetworks ? SavedNetwork(sizes: [train.inputs.cols, spec.hidden, classes], activations: [.relu, .softmax],
                                                              parameters: [hiddenLayer, readout.parameters]) : nil
                return (history, Date().timeIntervalSince(started), final)
            }
            for (m, (history, wall, final)) in perMethod.enumerated() {
                if let final { finals.append(FinalNetwork(method: spec.methods[m].name, run: run, network: final)) }
                epochs += history
                seconds[m] += wall
                accuracies[m].append(history.last!.testAccuracy)
            }
        }
        let summaries = spec.methods.indices.map { m in
            ReadoutSummary(method: spec.methods[m].name, testAccuracy: accuracies[m],
                           meanTestAccuracy: accuracies[m].reduce(0, +) / Double(accuracies[m].count), wallSeconds: seconds[m])
        }
        return ReadoutResult(spec: spec, epochs: epochs, summaries: summaries, cacheSeconds: cacheSeconds, finalNetworks: finals)
    }

    /// Fraction of samples whose predicted class is the label, predicted 4 096 rows at a time.
    private func accuracy(_ readout: ReadoutNetwork, _ cache: FeatureCache, _ labels: [Int]) -> Double {
        var correct = 0
        for first in stride(from: 0, to: labels.count, by: 4096) {
            let rows = first..<min(first + 4096, labels.count)
            for (n, predicted) in zip(rows, readout.predictions(cache.gatherRows(rows))) where predicted == labels[n] { correct += 1 }
        }
        return Double(correct) / Double(max(labels.count, 1))
    }
}
