import Neuromod

/// Splits `dataset` at random into a training set and a held-out test set.
///
/// The samples are permuted by `RandomGenerator(.mt19937, seed: seed,
/// stream: TaskRandomStreams.trainTestSplit).permutation(count)` (Fisher–Yates). The first
/// `⌈testFraction · count⌉` samples of the permutation form the test set (the rounding of
/// scikit-learn's `train_test_split`) and the rest the training set, both in permuted order. The
/// split depends only on `seed` and the sample count. With `testFraction` 0 nothing is permuted: the
/// training set is `dataset` unchanged and the test set is `nil`.
///
/// - Parameters:
///   - dataset: the samples to split.
///   - testFraction: the fraction of samples held out, in [0, 1).
///   - seed: the seed of the permutation.
/// - Throws: ``TaskError/invalidParameter(context:parameter:value:requirement:)`` if `testFraction`
///   is outside [0, 1) or leaves no training sample.
public func splitTrainTest(_ dataset: Dataset, testFraction: Double, seed: UInt64) throws -> DatasetSplit {
    guard testFraction >= 0 && testFraction < 1 else {
        throw TaskError.invalidParameter(context: "train/test split of '\(dataset.name)'", parameter: "testFraction",
                                         value: "\(testFraction)", requirement: "in [0, 1)")
    }
    if testFraction == 0 { return DatasetSplit(train: dataset, test: nil) }
    let testCount = Int((testFraction * Double(dataset.count)).rounded(.up))
    guard testCount < dataset.count else {
        throw TaskError.invalidParameter(
            context: "train/test split of '\(dataset.name)'", parameter: "testFraction", value: "\(testFraction)",
            requirement: "small enough to leave a training sample (\(dataset.count) samples)")
    }
    let order = try RandomGenerator(.mt19937, seed: seed, stream: TaskRandomStreams.trainTestSplit)
        .permutation(dataset.count)
    return DatasetSplit(train: dataset.subset(Array(order[testCount...])),
                        test: dataset.subset(Array(order[..<testCount])))
}
