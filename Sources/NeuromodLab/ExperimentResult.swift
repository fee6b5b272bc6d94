/// One minibatch update.
public struct StepRecord: Sendable, Equatable {
    public var method: String
    public var run: Int
    public var epoch: Int
    /// Update index within the run, from 1.
    public var step: Int
    /// The clean (noise-free, unperturbed) loss of the minibatch under the weights before the update:
    /// the same measure of the model for every method.
    public var loss: Double
    /// The loss the rule computed its update from (the perturbed or noisy pass; for backprop without
    /// intrinsic noise, equal to `loss`).
    public var ruleLoss: Double
    /// Wall-clock seconds since the run started, after this update (not deterministic; kept apart).
    public var seconds: Double
}

/// End-of-epoch evaluation on clean (noise-free) passes over the whole training and test sets.
public struct EpochRecord: Sendable, Equatable {
    public var method: String
    public var run: Int
    public var epoch: Int
    public var trainLoss: Double
    public var testLoss: Double?
}

/// What one method did over all runs, in the form of the thesis's tables.
public struct MethodSummary: Sendable, Codable, Equatable {
    public var method: String
    public var rule: String
    public var runs: Int
    /// Forward-pass equivalents per instance and update (compute = updates × this).
    public var forwardPassEquivalents: Double
    /// Whether each run diverged (only with `on_divergence: record`; such runs end early).
    public var diverged: [Bool]
    /// Final clean training-set loss per run (NaN for a diverged run).
    public var finalTrainLoss: [Double]
    /// Final clean test-set loss per run (empty without a test set).
    public var finalTestLoss: [Double]
    /// Updates until the minibatch loss first fell below the threshold, per run (nil: never).
    public var updatesToThreshold: [Int?]
    /// The run reaching the threshold in the fewest updates (else the lowest final loss); 0-based.
    public var bestRun: Int
    /// Variance across runs of the minibatch loss, averaged over all updates (the thesis's Tables 1–2);
    /// population variance over the runs that did not diverge.
    public var meanVarianceAcrossRuns: Double
    /// Final clean training-set loss of the best run.
    public var bestRunFinalTrainLoss: Double
    public var updatesPerRun: Int
    /// Wall-clock seconds for all runs of this method (not part of the deterministic outputs).
    public var wallSeconds: Double
}

/// Per method and update: the thesis's curves (mean over runs, variance across runs, best run).
public struct CurvePoint: Sendable, Equatable {
    public var method: String
    public var step: Int
    public var epoch: Int
    /// Cumulative forward-pass equivalents per instance.
    public var compute: Double
    public var meanLoss: Double
    public var varianceAcrossRuns: Double
    public var bestRunLoss: Double
    /// Runs contributing (runs that had not diverged by this update).
    public var runs: Int
}

/// Everything an experiment produced.
public struct ExperimentResult: Sendable {
    public var spec: ExperimentSpec
    public var steps: [StepRecord]
    public var epochs: [EpochRecord]
    public var curves: [CurvePoint]
    public var summaries: [MethodSummary]
    /// Every run's final network, per method in run order (only with ``Runner/keepsFinalNetworks``).
    public var finalNetworks: [FinalNetwork] = []
}
