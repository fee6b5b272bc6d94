/// One minibatch update: the training loss of the batch the update was computed on.
public struct StepRecord: Sendable, Equatable {
    public var method: String
    public var run: Int
    public var epoch: Int
    /// Update index within the run, from 1.
    public var step: Int
    public var loss: Double
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
    /// Final clean training-set loss per run.
    public var finalTrainLoss: [Double]
    /// Final clean test-set loss per run (empty without a test set).
    public var finalTestLoss: [Double]
    /// Updates until the minibatch loss first fell below the threshold, per run (nil: never).
    public var updatesToThreshold: [Int?]
    /// The run reaching the threshold in the fewest updates (else the lowest final loss); 0-based.
    public var bestRun: Int
    /// Variance across runs of the minibatch loss, averaged over all updates (the thesis's Tables 1–2).
    public var meanVarianceAcrossRuns: Double
    public var updatesPerRun: Int
    /// Wall-clock seconds for all runs of this method (not part of the deterministic outputs).
    public var wallSeconds: Double
}

/// Everything an experiment produced.
public struct ExperimentResult: Sendable {
    public var spec: ExperimentSpec
    public var steps: [StepRecord]
    public var epochs: [EpochRecord]
    public var summaries: [MethodSummary]
}
