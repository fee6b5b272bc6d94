/// The random streams reserved for data preparation.
///
/// Every draw in NeuromodTasks comes from `RandomGenerator(.mt19937, seed: seed, stream: s)` with one
/// of these fixed stream indices, so a dataset or split depends only on the seed the caller gives.
/// The indices lie far above any per-instance stream index (instances use streams `0..<N`), so data
/// preparation never replays the numbers a simulated instance draws from the same seed.
public enum TaskRandomStreams {
    /// Stream of the permutation in ``splitTrainTest(_:testFraction:seed:)``: 2^40 + 1.
    public static let trainTestSplit: UInt64 = (1 << 40) + 1
    /// Stream of the target noise in ``SinusoidTask/make(seed:)``: 2^40 + 2.
    public static let sinusoidNoise: UInt64 = (1 << 40) + 2
}
