import Foundation
import Neuromod
import NeuromodTasks

/// Estimator validation: how far each perturbation method of a spec is from the exact gradient,
/// and how that distance shrinks with the number of noise draws K and changes with layer width.
///
/// For every method whose rule is local — a preset or a declared rule (backprop is the reference and
/// is skipped) — for every width factor and every K:
/// 1. the network is built exactly as run 0 of ``Runner`` builds it (stream
///    `StreamPlan.initialization(run: 0)`, the spec's initializer and connection probabilities),
///    with every hidden layer's size multiplied by the width factor (rounded, at least 1 neuron;
///    the output layer keeps its size);
/// 2. one fixed batch is taken: the first B rows of the training set, or — with `sameSample` —
///    B copies of the first training row;
/// 3. ``EstimatorCheck/measure(rule:network:input:target:samples:probeStreams:)`` draws K updates
///    from fresh probe streams `StreamPlan.probe(run: 0)` and compares their mean with the exact
///    gradient (cosine, relative bias with a 95 % interval, normalized per-parameter variance,
///    per-layer cosine).
///
/// Every measurement starts from fresh streams, so a row does not depend on which other rows were
/// asked for or in which order; the K draws of a smaller K are the first draws of a larger K (the
/// rows for different K are nested, not independent). All methods see the same probe streams.
///
/// What is changed for the measurement, and reported in ``GradientCheckRow/note``:
/// - a running-average baseline is replaced by the batch-mean baseline (the check needs a
///   stateless baseline so that the K draws are identically distributed);
/// - intrinsic (hardware) noise of the populations is off unless ``Options/intrinsicNoise`` asks
///   for it (the reference gradient is always the noiseless network's);
/// - three-factor weight perturbation is compared with weight perturbation's expectation σ∇L,
///   which it is not expected to reach (see `EstimatorStatisticsTests`).
///
/// Why `sameSample`: with distinct samples the batch-mean baseline leaves each instance's
/// modulator M⁽ⁿ⁾ = L̄ − L⁽ⁿ⁾ with a data term (the clean loss's spread over the batch) that does not
/// depend on the probe; multiplied by the probe's local term it adds zero-mean noise whose variance,
/// relative to the squared expected update, is ∝ Var(L⁽ⁿ⁾)/σ². Repeating one sample removes that
/// term, so what remains is the estimator's own noise.
public enum GradientCheck {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// The K values (noise draws per measurement), each ≥ 2.
        public var samples: [Int]
        /// Factors applied to every hidden layer's size (> 0); 1 is the spec's network.
        public var widthFactors: [Double]
        /// Instances in the batch (≥ 2); nil: the spec's `batch_size`, capped at the training-set size.
        public var batchSize: Int?
        /// Whether the batch repeats the first training row instead of holding the first B rows.
        public var sameSample: Bool
        /// Whether the populations' intrinsic noise is on in the rule's passes (drawn from run 0's
        /// intrinsic streams): the bias a noisy device sees. The reference gradient stays noiseless.
        public var intrinsicNoise: Bool

        public init(samples: [Int] = [10, 100, 1000], widthFactors: [Double] = [1], batchSize: Int? = nil,
                    sameSample: Bool = false, intrinsicNoise: Bool = false) {
            self.samples = samples
            self.widthFactors = widthFactors
            self.batchSize = batchSize
            self.sameSample = sameSample
            self.intrinsicNoise = intrinsicNoise
        }
    }

    /// Measures every perturbation method of `spec` (loading its data) for every width factor and K.
    /// Rows come method by method (in spec order), then by width factor, then by K, in the order
    /// given. `jobs` measurements run at once; the rows do not depend on it.
    public static func measure(spec: ExperimentSpec, options: Options = Options(), jobs: Int = 1) throws -> GradientCheckReport {
        try validate(spec: spec, options: options)
        return try measure(runner: try Runner(spec: spec), options: options, jobs: jobs)
    }

    /// As ``measure(spec:options:jobs:)``, on the data a ``Runner`` has already prepared.
    public static func measure(runner: Runner, options: Options = Options(), jobs: Int = 1) throws -> GradientCheckReport {
        let spec = runner.spec
        try validate(spec: spec, options: options)
        let train = runner.data.train
        let batch = options.batchSize ?? min(spec.training.batchSize, train.count)
        guard batch >= 2 else {
            throw GradientCheckError.invalidOption("the batch needs at least 2 instances for a batch-mean baseline, got \(batch)")
        }
        guard options.sameSample || batch <= train.count else {
            throw GradientCheckError.invalidOption(
                "the batch of \(batch) is larger than the \(train.count) training rows (use fewer, or the same-sample batch)")
        }
        let rows = options.sameSample ? Array(repeating: 0, count: batch) : Array(0..<batch)
        let input = train.inputs.gatherRows(rows), target = train.targets.gatherRows(rows)

        let methods = spec.methods.compactMap { method -> (MethodSpec, PlasticityRule)? in
            if case .local(let rule) = method.rule { return (method, rule) }
            return nil
        }
        let widths = options.widthFactors, ks = options.samples
        let tasks = methods.count * widths.count * ks.count
        let measured = try parallelMap(count: tasks, jobs: jobs) { t in
            let (method, rule) = methods[t / (widths.count * ks.count)]
            let factor = widths[(t / ks.count) % widths.count]
            let k = ks[t % ks.count]
            let populations = scaledPopulations(spec.network, widthFactor: factor)
            var notes: [String] = []
            var measuredRule = rule
            if case .runningAverage(let rate) = rule.modulator.baseline {
                measuredRule.modulator.baseline = .batchMean
                notes.append("baseline running-average (rate \(rate)) replaced by batch-mean")
            }
            if rule.name.hasPrefix("three-factor-wp") {
                notes.append("compared with the weight-perturbation expectation σ∇L")
            }
            if spec.training.precision == .float32 { notes.append("updates in float32, gradient in float64") }
            let noisy = spec.network.layers.contains { ($0.population.noise?.sigma ?? 0) > 0 }
            if noisy { notes.append(options.intrinsicNoise ? "intrinsic noise on" : "intrinsic noise off") }
            do {
                let network = try Network(
                    inputSize: spec.network.inputSize, populations: populations,
                    initializer: spec.network.initializer,
                    connectionProbability: spec.network.layers.map(\.connectionProbability),
                    rng: RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.initialization(run: 0)))
                let probe = try InstanceStreams(spec.random, seed: spec.seed, base: StreamPlan.probe(run: 0), count: batch)
                let intrinsic = options.intrinsicNoise && noisy
                    ? try InstanceStreams(spec.random, seed: spec.seed, base: StreamPlan.instanceNoise(run: 0), count: batch) : nil
                let statistics = try EstimatorCheck.measure(rule: measuredRule, network: network, input: input,
                                                            target: target, samples: k, probeStreams: probe,
                                                            intrinsicStreams: intrinsic, precision: spec.training.precision)
                return GradientCheckRow(method: method.name, rule: method.rule.name, widthFactor: factor,
                                        hiddenSizes: populations.dropLast().map(\.size),
                                        parameterCount: network.parameterCount, statistics: statistics,
                                        note: notes.joined(separator: "; "))
            } catch let error as NetworkError {
                throw GradientCheckError.unsupported(file: spec.file, method: method.name, reason: error.description)
            }
        }
        return GradientCheckReport(name: spec.name, file: spec.file, seed: spec.seed, batchSize: batch,
                                   sameSample: options.sameSample, rows: measured)
    }

    /// The spec's populations with every layer but the output scaled by `widthFactor`
    /// (rounded to the nearest integer, at least 1 neuron).
    public static func scaledPopulations(_ network: NetworkSpec, widthFactor: Double) -> [Population] {
        let last = network.layers.count - 1
        return network.layers.enumerated().map { l, layer in
            var population = layer.population
            if l < last { population.size = max(1, Int((Double(population.size) * widthFactor).rounded())) }
            return population
        }
    }

    private static func validate(spec: ExperimentSpec, options: Options) throws {
        guard spec.methods.contains(where: { if case .local = $0.rule { return true } else { return false } }) else {
            throw GradientCheckError.noPerturbationMethod(file: spec.file)
        }
        guard !options.samples.isEmpty else { throw GradientCheckError.invalidOption("no sample counts (K) given") }
        if let k = options.samples.first(where: { $0 < 2 }) {
            throw GradientCheckError.invalidOption("a sample count K must be at least 2 (for a variance), got \(k)")
        }
        guard !options.widthFactors.isEmpty else { throw GradientCheckError.invalidOption("no width factors given") }
        if let w = options.widthFactors.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw GradientCheckError.invalidOption("a width factor must be a positive number, got \(w)")
        }
        if let b = options.batchSize, b < 2 {
            throw GradientCheckError.invalidOption("the batch needs at least 2 instances for a batch-mean baseline, got \(b)")
        }
        // Widened networks and a larger batch are checked against --memory-limit before anything is built.
        if let w = options.widthFactors.first(where: { $0 > 1e9 }) {
            throw GradientCheckError.invalidOption("a width factor must be at most 1e9, got \(w)")
        }
        for factor in options.widthFactors {
            var scaled = spec
            for (l, population) in scaledPopulations(spec.network, widthFactor: factor).enumerated() {
                scaled.network.layers[l].population = population
            }
            scaled.training.batchSize = options.batchSize ?? spec.training.batchSize
            try scaled.memoryEstimate().check(file: spec.file)
        }
    }
}

/// One measurement: one method, one width factor, one K.
public struct GradientCheckRow: Sendable, Equatable {
    /// The method's name in the spec.
    public var method: String
    /// The rule as named in specs (for 3F-WP with its Hebbian variant, e.g. `three-factor-wp(output-unit)`).
    public var rule: String
    public var widthFactor: Double
    /// Sizes of the hidden layers (every layer but the output) of the measured network.
    public var hiddenSizes: [Int]
    /// P, the number of plastic parameters (weights of existing synapses plus biases).
    public var parameterCount: Int
    public var statistics: EstimatorStatistics
    /// What the measurement changed or how to read it (empty if nothing); see ``GradientCheck``.
    public var note: String

    /// K.
    public var samples: Int { statistics.samples }
    public var cosine: Double { statistics.cosine }
    public var relativeBias: Double { statistics.relativeBias }
    /// Half-width of the 95 % interval of the relative bias.
    public var biasHalfWidth: Double { statistics.biasHalfWidth }
    public var biasIntervalContainsZero: Bool { statistics.biasIntervalContainsZero }
    public var normalizedVariance: Double { statistics.normalizedVariance }
    public var layerCosine: [Double] { statistics.layerCosine }
    /// c in E[ΔW] = −η c ∇L.
    public var expectedScale: Double { statistics.expectedScale }
}

/// Every row of a check, with the batch they were measured on.
public struct GradientCheckReport: Sendable, Equatable {
    /// The spec's name and file.
    public var name: String
    public var file: String
    public var seed: UInt64
    /// B, the instances in the fixed batch.
    public var batchSize: Int
    /// Whether the batch was B copies of the first training row.
    public var sameSample: Bool
    public var rows: [GradientCheckRow]
}

/// Why a check could not be made. The description is one line naming the spec file where it applies.
public enum GradientCheckError: Error, Equatable, CustomStringConvertible {
    /// The spec has only backprop methods.
    case noPerturbationMethod(file: String)
    /// A sample count, width factor or batch size out of range.
    case invalidOption(String)
    /// The method cannot be run on this network (leaky populations, softmax with node perturbation, …).
    case unsupported(file: String, method: String, reason: String)

    public var description: String {
        switch self {
        case .noPerturbationMethod(let file):
            return "\(file): methods: no perturbation method to check (backprop is the reference gradient, not an "
                + "estimator); add a weight-perturbation, three-factor-wp, three-factor-np, spsa or evolution-strategies method"
        case .invalidOption(let message):
            return message
        case .unsupported(let file, let method, let reason):
            return "\(file): method '\(method)': \(reason)"
        }
    }
}
