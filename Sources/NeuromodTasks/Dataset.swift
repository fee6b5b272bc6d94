import Neuromod

/// A supervised dataset held in memory: one row per sample.
///
/// `inputs` is `[samples × features]`, `targets` is `[samples × outputs]`; row `n` of each belongs
/// to sample `n`. Column names are kept for messages and exports.
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var inputs: Matrix
    public var targets: Matrix
    public var inputNames: [String]
    public var targetNames: [String]

    public init(name: String, inputs: Matrix, targets: Matrix, inputNames: [String], targetNames: [String]) {
        precondition(inputs.rows == targets.rows, "inputs and targets must have one row per sample")
        self.name = name
        self.inputs = inputs
        self.targets = targets
        self.inputNames = inputNames
        self.targetNames = targetNames
    }

    /// Number of samples.
    public var count: Int { inputs.rows }

    /// The samples listed in `indices`, in that order.
    public func subset(_ indices: [Int], name: String? = nil) -> Dataset {
        Dataset(name: name ?? self.name, inputs: inputs.gatherRows(indices), targets: targets.gatherRows(indices),
                inputNames: inputNames, targetNames: targetNames)
    }
}

/// A training set and an optional held-out test set.
public struct DatasetSplit: Sendable {
    public var train: Dataset
    public var test: Dataset?

    public init(train: Dataset, test: Dataset?) {
        self.train = train
        self.test = test
    }
}
