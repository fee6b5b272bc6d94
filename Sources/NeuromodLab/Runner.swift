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
    /// Whether ``run(jobs:progress:)`` returns every run's final network (default: the header's
    /// ``StudyHeader/savesWeights``, `--save-weights`).
    public var keepsFinalNetworks: Bool
    /// The weights every run starts from (`network.initial_weights`), checked against the spec.
    let initialWeights: SavedNetwork?

    /// Prepares the data of `spec` (generates the sinusoid or loads and splits the table) and reads
    /// its initial weights, if any.
    public init(spec: ExperimentSpec) throws {
        self.spec = spec
        self.keepsFinalNetworks = spec.header.savesWeights
        self.initialWeights = try spec.network.loadInitialWeights()
        self.data = try Self.loadData(spec)
        let inputs = data.train.inputs.cols, targets = data.train.targets.cols
        guard inputs == spec.network.inputSize else {
            throw RunError.shapeMismatch("\(spec.file): network.input: the task has \(inputs) input column(s), the network expects \(spec.network.inputSize)")
        }
        guard let last = spec.network.layers.last, last.population.size == targets else {
            throw RunError.shapeMismatch("\(spec.file): network.layers: the task has \(targets) target column(s), the output layer has \(spec.network.layers.last?.population.size ?? 0) neurons")
        }
        guard spec.training.batchSize <= data.train.count else {
            throw SpecError(file: spec.file, field: "training.batch_size",
                            message: "\(spec.training.batchSize) is larger than the training set (\(data.train.count) samples)")
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

    /// Runs everything on `jobs` threads: the runs of a method side by side. Rules that perturb every
    /// weight also draw their noise on the threads no other run of the method is using (a
    /// ``NoiseThreadShare``): a run left alone at the end of a method draws on all `jobs`. Results do
    /// not depend on `jobs`: every run owns its network and random streams, every instance its stream. With `on_divergence: stop` a loss
    /// that is not finite throws ``RunError/diverged(method:run:epoch:step:loss:hint:)`` (the
    /// lowest-numbered failing run is reported); with `record` the run ends and is counted.
    public func run(jobs: Int = 1, progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) throws -> ExperimentResult {
        var steps: [StepRecord] = [], epochs: [EpochRecord] = [], curves: [CurvePoint] = [], summaries: [MethodSummary] = []
        var finals: [FinalNetwork] = []
        for (m, method) in spec.methods.enumerated() {
            let started = Date()
            let share = method.rule.probesWeights ? NoiseThreadShare(threads: jobs) : nil
            let outcomes = try parallelMap(count: spec.runs, jobs: jobs) { r in
                try train(method: method, run: r, noiseShare: share) { epoch, loss in
                    progress(RunProgress(method: method.name, methodIndex: m, methodCount: spec.methods.count,
                                         run: r, runs: spec.runs, epoch: epoch, epochs: spec.training.epochs,
                                         epochLoss: loss))
                }
            }
            for (r, outcome) in outcomes.enumerated() {
                if let final = outcome.final { finals.append(FinalNetwork(method: method.name, run: r, network: final)) }
                steps += outcome.steps
                epochs += outcome.epochs
            }
            curves += curve(method: method, outcomes: outcomes)
            summaries.append(summarize(method: method, outcomes: outcomes, wallSeconds: Date().timeIntervalSince(started)))
        }
        return ExperimentResult(spec: spec, steps: steps, epochs: epochs, curves: curves, summaries: summaries, finalNetworks: finals)
    }

    /// What one run produced.
    struct RunOutcome {
        var steps: [StepRecord]
        var epochs: [EpochRecord]
        var diverged: Bool
        /// The network after the last update (with ``keepsFinalNetworks``).
        var final: SavedNetwork?
        var losses: [Double] { steps.map(\.loss) }
        var finalTrainLoss: Double { diverged ? .nan : epochs.last?.trainLoss ?? .nan }
    }

    /// One run of one method; with `noiseShare`, the run's noise threads follow its share after every update.
    func train(method: MethodSpec, run r: Int, noiseShare: NoiseThreadShare? = nil,
               onEpoch: (Int, Double) -> Void) throws -> RunOutcome {
        noiseShare?.begin()
        defer { noiseShare?.end() }
        let network = try initialNetwork(run: r)
        let batch = spec.training.batchSize
        let n = data.train.count
        let instances = min(batch, n)
        let trainer = try method.rule.makeTrainer(
            network: network,
            intrinsic: InstanceStreams(spec.random, seed: spec.seed, base: StreamPlan.instanceNoise(run: r), count: instances),
            probe: InstanceStreams(spec.random, seed: spec.seed, base: StreamPlan.probe(run: r), count: instances),
            noiseThreads: noiseShare?.threadsPerRun ?? 1, precision: spec.training.precision)
        let engine = noiseShare == nil ? nil : trainer as? PlasticityEngine
        let order = try RandomGenerator(spec.random, seed: spec.seed,
                                        stream: StreamPlan.dataOrder(run: spec.training.dataOrder == .shared ? 0 : r))
        var outcome = RunOutcome(steps: [], epochs: [], diverged: false, final: nil)
        outcome.steps.reserveCapacity(spec.training.epochs * ((n + batch - 1) / batch))
        // The rule's own loss is already clean for backprop on a noiseless network.
        let noisy = spec.network.layers.contains { ($0.population.noise?.sigma ?? 0) > 0 }
        let needsCleanPass = noisy || method.rule != .backprop(learningRate: method.rule.learningRate, loss: method.rule.loss)
        let started = Date()
        var epochTotal = 0.0, epochCount = 0
        /// Ends the run as diverged (`record`) or stops the experiment (`stop`).
        func diverged(epoch: Int, step: Int, loss: Double) throws -> MinibatchLoop.Control {
            guard spec.training.onDivergence == .record else {
                throw RunError.diverged(method: method.name, run: r, epoch: epoch, step: step, loss: loss,
                                        hint: method.rule.divergenceHint)
            }
            outcome.diverged = true
            onEpoch(spec.training.epochs, loss)
            return .stop
        }
        var lastStep = 0
        try MinibatchLoop(rows: n, batchSize: batch, epochs: spec.training.epochs, order: order).run(
            learner: trainer, inputColumns: data.train.inputs.cols, targetColumns: data.train.targets.cols,
            feed: { rows, input, target in
                data.train.inputs.gatherRows(rows, into: &input)
                data.train.targets.gatherRows(rows, into: &target)
            },
            before: needsCleanPass ? { input, target in method.rule.loss.mean(output: network.forward(input), target: target) } : nil,
            onStep: { s in
                lastStep = s.step
                let ruleLoss = s.learnerLoss, loss = s.measured ?? ruleLoss
                guard loss.isFinite, ruleLoss.isFinite else {
                    return try diverged(epoch: s.epoch, step: s.step, loss: ruleLoss.isFinite ? loss : ruleLoss)
                }
                outcome.steps.append(StepRecord(method: method.name, run: r, epoch: s.epoch, step: s.step, loss: loss,
                                                ruleLoss: ruleLoss, seconds: Date().timeIntervalSince(started)))
                epochTotal += loss
                epochCount += 1
                if let engine, let noiseShare { engine.noiseThreads = noiseShare.threadsPerRun }
                return .proceed
            },
            onEpoch: { epoch in
                let trainLoss = evaluate(network, on: data.train, loss: method.rule.loss, chunk: batch)
                let testLoss = data.test.map { evaluate(network, on: $0, loss: method.rule.loss, chunk: batch) }
                guard trainLoss.isFinite else { return try diverged(epoch: epoch, step: lastStep, loss: trainLoss) }
                outcome.epochs.append(EpochRecord(method: method.name, run: r, epoch: epoch, trainLoss: trainLoss, testLoss: testLoss))
                onEpoch(epoch, epochTotal / Double(max(epochCount, 1)))
                epochTotal = 0
                epochCount = 0
                return .proceed
            })
        if keepsFinalNetworks { outcome.final = SavedNetwork(network) }
        return outcome
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

    /// Mean and variance across the runs alive at each update, and the best run's curve.
    func curve(method: MethodSpec, outcomes: [RunOutcome]) -> [CurvePoint] {
        let best = bestRun(outcomes)
        let longest = outcomes.map(\.steps.count).max() ?? 0
        let fpe = method.rule.forwardPassEquivalents
        return (0..<longest).map { s in
            let alive = outcomes.compactMap { $0.steps.count > s ? $0.steps[s] : nil }
            let losses = alive.map(\.loss)
            let mean = losses.reduce(0, +) / Double(losses.count)
            let variance = losses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(losses.count)
            let bestSteps = outcomes[best].steps
            return CurvePoint(method: method.name, step: s + 1, epoch: alive[0].epoch, compute: Double(s + 1) * fpe,
                              meanLoss: mean, varianceAcrossRuns: variance,
                              bestRunLoss: s < bestSteps.count ? bestSteps[s].loss : .nan, runs: losses.count)
        }
    }

    /// The thesis's "best run": fewest updates to a minibatch loss below the threshold; without a
    /// threshold (or if no run reaches it), the lowest final training loss; diverged runs never win.
    func bestRun(_ outcomes: [RunOutcome]) -> Int {
        let reached = updatesToThreshold(outcomes)
        if let best = reached.enumerated().compactMap({ r, s in s.map { (r, $0) } }).min(by: { $0.1 < $1.1 }) {
            return best.0
        }
        let finals = outcomes.map { $0.finalTrainLoss.isNaN ? Double.infinity : $0.finalTrainLoss }
        return finals.indices.min { finals[$0] < finals[$1] } ?? 0
    }

    func updatesToThreshold(_ outcomes: [RunOutcome]) -> [Int?] {
        outcomes.map { outcome in
            guard let threshold = spec.training.threshold else { return nil }
            return outcome.steps.firstIndex { $0.loss < threshold }.map { $0 + 1 }
        }
    }

    func summarize(method: MethodSpec, outcomes: [RunOutcome], wallSeconds: Double) -> MethodSummary {
        let stable = outcomes.filter { !$0.diverged }
        let updates = stable.map(\.steps.count).min() ?? 0
        var varianceSum = 0.0
        for s in 0..<updates {
            let column = stable.map { $0.steps[s].loss }
            let mean = column.reduce(0, +) / Double(column.count)
            varianceSum += column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)
        }
        let best = bestRun(outcomes)
        return MethodSummary(method: method.name, rule: method.rule.name, runs: outcomes.count,
                             forwardPassEquivalents: method.rule.forwardPassEquivalents,
                             diverged: outcomes.map(\.diverged),
                             finalTrainLoss: outcomes.map(\.finalTrainLoss),
                             finalTestLoss: data.test == nil ? [] : outcomes.map { $0.diverged ? .nan : $0.epochs.last?.testLoss ?? .nan },
                             updatesToThreshold: updatesToThreshold(outcomes),
                             bestRun: best, meanVarianceAcrossRuns: updates > 0 ? varianceSum / Double(updates) : .nan,
                             bestRunFinalTrainLoss: outcomes[best].finalTrainLoss,
                             updatesPerRun: updates, wallSeconds: wallSeconds)
    }
}
