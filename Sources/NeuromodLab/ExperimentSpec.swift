import Neuromod
import NeuromodTasks

/// An experiment as declared in a YAML spec under `Models/`: network, task, methods, training
/// schedule, number of runs, seed and output folder. See README.md ("Spec format") for every field.
public struct ExperimentSpec: StudySpec {
    public var header: StudyHeader
    public var task: TaskSpec
    public var network: NetworkSpec
    public var training: TrainingSpec
    public var methods: [MethodSpec]
    /// Hyperparameter grids for `neuromod sweep` (empty: the spec has none).
    public var sweep: [MethodGrid] = []

    public init(header: StudyHeader, task: TaskSpec, network: NetworkSpec, training: TrainingSpec,
                methods: [MethodSpec], sweep: [MethodGrid] = []) {
        self.header = header
        self.task = task
        self.network = network
        self.training = training
        self.methods = methods
        self.sweep = sweep
    }
}

/// A grid over one method's hyperparameters: every combination of the listed values is one
/// configuration (an omitted list keeps the method's own value).
public struct MethodGrid: Sendable, Equatable {
    public var method: String
    public var learningRates: [Double]
    public var sigmas: [Double]
}

/// Where the training data comes from.
public enum TaskSpec: Sendable {
    /// The thesis's noisy sinusoid (§4.1.1), generated from the experiment seed.
    case sinusoid(SinusoidTask)
    /// A numeric CSV table (plain or gzip) with named input and target columns.
    case table(TableTaskSpec)
}

/// A CSV-table task: columns, seeded train/test split and z-scoring (fit on the training part).
public struct TableTaskSpec: Sendable {
    /// Resolved path of the CSV file.
    public var path: String
    /// Input columns (nil: every column that is not a target).
    public var inputs: [String]?
    public var targets: [String]
    public var testFraction: Double
    public var standardizeInputs: Bool
    public var standardizeTargets: Bool

    public init(path: String, inputs: [String]? = nil, targets: [String], testFraction: Double = 0.2,
                standardizeInputs: Bool = true, standardizeTargets: Bool = false) {
        self.path = path
        self.inputs = inputs
        self.targets = targets
        self.testFraction = testFraction
        self.standardizeInputs = standardizeInputs
        self.standardizeTargets = standardizeTargets
    }
}

/// One layer after the input.
public struct LayerSpec: Sendable {
    public var population: Population
    public var connectionProbability: Double

    public init(population: Population, connectionProbability: Double = 1) {
        self.population = population
        self.connectionProbability = connectionProbability
    }
}

/// The network architecture and its initialization.
public struct NetworkSpec: Sendable {
    public var inputSize: Int
    public var layers: [LayerSpec]
    public var initializer: WeightInitializer
    /// A `.npz` written by `--save-weights` to start every run from (resolved path), instead of `initializer`.
    public var initialWeights: String? = nil

    public init(inputSize: Int, layers: [LayerSpec], initializer: WeightInitializer = .uniform, initialWeights: String? = nil) {
        self.inputSize = inputSize
        self.layers = layers
        self.initializer = initializer
        self.initialWeights = initialWeights
    }
}

/// Whether all runs see the training set in one shared minibatch order or each run shuffles its own.
public enum DataOrder: String, Sendable, CaseIterable {
    case shared
    case perRun = "per-run"
}

/// The training schedule and the evaluation criterion.
public struct TrainingSpec: Sendable {
    public var batchSize: Int
    public var epochs: Int
    public var dataOrder: DataOrder
    /// A run "reaches" the target when a minibatch loss falls below this (thesis: 0.1 sinusoid, 0.6 housing).
    public var threshold: Double?
    public var onDivergence: DivergencePolicy
    /// The minibatch step's floating-point type (docs/precision.md); float64 by default.
    public var precision: Precision

    public init(batchSize: Int, epochs: Int, dataOrder: DataOrder = .perRun, threshold: Double? = nil,
                onDivergence: DivergencePolicy = .stop, precision: Precision = .float64) {
        self.batchSize = batchSize
        self.epochs = epochs
        self.dataOrder = dataOrder
        self.threshold = threshold
        self.onDivergence = onDivergence
        self.precision = precision
    }
}

/// A learning method with its hyperparameters.
public struct MethodSpec: Sendable {
    public var name: String
    public var rule: LearningRule

    public init(name: String, rule: LearningRule) {
        self.name = name
        self.rule = rule
    }
}

/// The learning rules a spec can name.
public enum LearningRule: Sendable, Equatable {
    /// SGD on the exact gradient (the non-local reference).
    case backprop(learningRate: Double, loss: Loss)
    /// A local rule in three-factor form: a preset (weight/node perturbation, SPSA, ES) or declared.
    case local(PlasticityRule)

    public var learningRate: Double {
        switch self {
        case .backprop(let eta, _): return eta
        case .local(let rule): return rule.learningRate
        }
    }

    public var loss: Loss {
        switch self {
        case .backprop(_, let loss): return loss
        case .local(let rule): return rule.loss
        }
    }

    /// Whether the rule perturbs every weight per instance (and so stores batch × parameters draws).
    public var probesWeights: Bool {
        guard case .local(let rule) = self, case .synapses = rule.probe else { return false }
        return true
    }

    /// Forward-pass equivalents per instance and update (thesis §3: BP 2, WP 1.5, 3F-WP 1.75, NP 1.6).
    public var forwardPassEquivalents: Double {
        switch self {
        case .backprop: return 2
        case .local(let rule): return rule.forwardPassEquivalents
        }
    }
}

/// What to do when a run's loss becomes NaN or infinite.
public enum DivergencePolicy: String, Sendable, CaseIterable {
    /// Stop the whole experiment with a diagnosis and write nothing (the default).
    case stop
    /// End that run, count it as diverged in the summary and go on (for studying unstable rules).
    case record
}
