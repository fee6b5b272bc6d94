import Foundation
import Neuromod
import NeuromodTasks

/// Where a long experiment is, reported after every epoch of every run.
public struct RunProgress: Sendable {
    public var method: String
    public var methodIndex: Int
    public var methodCount: Int
    public var run: Int
    public var runs: Int
    public var epoch: Int
    public var epochs: Int
    /// Mean minibatch loss over the epoch just finished.
    public var epochLoss: Double
}

/// Trains every method of a spec for `runs` independent runs and collects metrics.
///
/// Run r of every method starts from the same initial weights; the minibatch order is shared by all
/// runs (`data_order: shared`) or drawn per run (`per-run`). Everything random comes from streams
/// named by ``StreamPlan``, so the same spec and seed give the same numbers bit for bit.
public struct Runner: Sendable {
    public let spec: ExperimentSpec
    public let data: DatasetSplit

    /// Prepares the data of `spec` (generates the sinusoid or loads and splits the table).
    public init(spec: ExperimentSpec) throws {
        self.spec = spec
        self.data = try Self.loadData(spec)
        let inputs = data.train.inputs.cols, targets = data.train.targets.cols
        guard inputs == spec.network.inputSize else {
            throw RunError.shapeMismatch("\(spec.file): network.input: the task has \(inputs) input column(s), the network expects \(spec.network.inputSize)")
        }
        guard let last = spec.network.layers.last, last.population.size == targets else {
            throw RunError.shapeMismatch("\(spec.file): network.layers: the task has \(targets) target column(s), the output layer has \(spec.network.layers.last?.population.size ?? 0) neurons")
        }
    }

    static func loadData(_ spec: ExperimentSpec) throws -> DatasetSplit {
        switch spec.task {
        case .sinusoid(let task):
            return DatasetSplit(train: try task.make(seed: spec.seed), test: nil)
        case .table(let t):
            let table = try CSVTable.load(path: t.path)
            let dataset = try table.dataset(name: (t.path as NSString).lastPathComponent, inputs: t.inputs, targets: t.targets)
            var split = try splitTrainTest(dataset, testFraction: t.testFraction, seed: spec.seed)
            if t.standardizeInputs { try standardize(&split, \.inputs, names: dataset.inputNames, source: t.path) }
            if t.standardizeTargets { try standardize(&split, \.targets, names: dataset.targetNames, source: t.path) }
            return split
        }
    }

    private static func standardize(_ split: inout DatasetSplit, _ part: WritableKeyPath<Dataset, Matrix>,
                                    names: [String], source: String) throws {
        var standardizer = Standardizer()
        try standardizer.fit(split.train[keyPath: part], columnNames: names, source: source)
        standardizer.apply(to: &split.train[keyPath: part])
        if split.test != nil { standardizer.apply(to: &split.test![keyPath: part]) }
    }

    /// Runs everything, spreading the runs of each method over `jobs` threads. Results do not depend
    /// on `jobs`: every run owns its network and random streams. Throws
    /// ``RunError/diverged(method:run:epoch:step:loss:hint:)`` when a loss is not finite (the
    /// lowest-numbered failing run is reported).
    public func run(jobs: Int = 1, progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) throws -> ExperimentResult {
        var steps: [StepRecord] = [], epochs: [EpochRecord] = [], summaries: [MethodSummary] = []
        for (m, method) in spec.methods.enumerated() {
            let started = Date()
            let outcomes = try parallelMap(count: spec.runs, jobs: jobs) { r in
                try train(method: method, run: r) { epoch, loss in
                    progress(RunProgress(method: method.name, methodIndex: m, methodCount: spec.methods.count,
                                         run: r, runs: spec.runs, epoch: epoch, epochs: spec.training.epochs,
                                         epochLoss: loss))
                }
            }
            for outcome in outcomes {
                steps += outcome.steps
                epochs += outcome.epochs
            }
            summaries.append(summarize(method: method, losses: outcomes.map { $0.steps.map(\.loss) },
                                       finalTrain: outcomes.map { $0.epochs.last!.trainLoss },
                                       finalTest: outcomes.compactMap { $0.epochs.last!.testLoss },
                                       wallSeconds: Date().timeIntervalSince(started)))
        }
        return ExperimentResult(spec: spec, steps: steps, epochs: epochs, summaries: summaries)
    }

    /// One run of one method.
    func train(method: MethodSpec, run r: Int,
               onEpoch: (Int, Double) -> Void) throws -> (steps: [StepRecord], epochs: [EpochRecord]) {
        let network = try Network(
            inputSize: spec.network.inputSize, populations: spec.network.layers.map(\.population),
            initializer: spec.network.initializer,
            connectionProbability: spec.network.layers.map(\.connectionProbability),
            rng: RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: r)))
        let batch = spec.training.batchSize
        let streams = try InstanceStreams(spec.random, seed: spec.seed, base: StreamPlan.instanceNoise(run: r),
                                          count: min(batch, data.train.count))
        let trainer = method.rule.makeTrainer(network: network, streams: streams)
        let order = try RandomGenerator(spec.random, seed: spec.seed,
                                        stream: StreamPlan.dataOrder(run: spec.training.dataOrder == .shared ? 0 : r))
        let n = data.train.count
        var stepRecords: [StepRecord] = [], epochRecords: [EpochRecord] = []
        stepRecords.reserveCapacity(spec.training.epochs * ((n + batch - 1) / batch))
        var input = Matrix(rows: min(batch, n), cols: data.train.inputs.cols)
        var target = Matrix(rows: min(batch, n), cols: data.train.targets.cols)
        var step = 0
        for epoch in 1...spec.training.epochs {
            let permutation = order.permutation(n)
            var epochTotal = 0.0, epochCount = 0
            for start in stride(from: 0, to: n, by: batch) {
                let indices = permutation[start..<min(start + batch, n)]
                if input.rows != indices.count {
                    input = Matrix(rows: indices.count, cols: input.cols)
                    target = Matrix(rows: indices.count, cols: target.cols)
                }
                data.train.inputs.gatherRows(indices, into: &input)
                data.train.targets.gatherRows(indices, into: &target)
                step += 1
                let loss = try trainer.update(input: input, target: target)
                guard loss.isFinite else {
                    throw RunError.diverged(method: method.name, run: r, epoch: epoch, step: step, loss: loss,
                                            hint: method.rule.divergenceHint)
                }
                stepRecords.append(StepRecord(method: method.name, run: r, epoch: epoch, step: step, loss: loss))
                epochTotal += loss
                epochCount += 1
            }
            let trainLoss = evaluate(network, on: data.train, loss: method.rule.loss, chunk: batch)
            let testLoss = data.test.map { evaluate(network, on: $0, loss: method.rule.loss, chunk: batch) }
            guard trainLoss.isFinite else {
                throw RunError.diverged(method: method.name, run: r, epoch: epoch, step: step, loss: trainLoss,
                                        hint: method.rule.divergenceHint)
            }
            epochRecords.append(EpochRecord(method: method.name, run: r, epoch: epoch, trainLoss: trainLoss, testLoss: testLoss))
            onEpoch(epoch, epochTotal / Double(max(epochCount, 1)))
        }
        return (stepRecords, epochRecords)
    }

    /// The clean (noise-free) mean loss over a whole dataset, computed in chunks of the batch size so
    /// that the network's buffers are not reallocated.
    func evaluate(_ network: Network, on dataset: Dataset, loss: Loss, chunk: Int) -> Double {
        var total = 0.0
        var perInstance: [Double] = []
        for start in stride(from: 0, to: dataset.count, by: chunk) {
            let rows = start..<min(start + chunk, dataset.count)
            let output = network.forward(dataset.inputs.gatherRows(rows))
            total += loss.evaluate(output: output, target: dataset.targets.gatherRows(rows), perInstance: &perInstance)
                * Double(rows.count)
        }
        return total / Double(max(dataset.count, 1))
    }

    func summarize(method: MethodSpec, losses: [[Double]], finalTrain: [Double], finalTest: [Double],
                   wallSeconds: Double) -> MethodSummary {
        let threshold = spec.training.threshold
        let reached: [Int?] = losses.map { run in
            guard let threshold else { return nil }
            return run.firstIndex { $0 < threshold }.map { $0 + 1 }
        }
        let best = reached.enumerated().compactMap { r, s in s.map { (r, $0) } }.min { $0.1 < $1.1 }?.0
            ?? finalTrain.enumerated().min { $0.element < $1.element }!.offset
        let updates = losses.map(\.count).min() ?? 0
        var varianceSum = 0.0
        for s in 0..<updates {
            let column = losses.map { $0[s] }
            let mean = column.reduce(0, +) / Double(column.count)
            varianceSum += column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)
        }
        return MethodSummary(method: method.name, rule: method.rule.name, runs: losses.count,
                             finalTrainLoss: finalTrain, finalTestLoss: finalTest, updatesToThreshold: reached,
                             bestRun: best, meanVarianceAcrossRuns: updates > 0 ? varianceSum / Double(updates) : 0,
                             updatesPerRun: updates, wallSeconds: wallSeconds)
    }
}
