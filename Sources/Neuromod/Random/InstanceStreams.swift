/// One random stream per instance of a batch, so that instance `n` draws the same numbers whatever
/// thread computes it and whatever the batch around it.
///
/// Stream indices are `base + n`; callers give disjoint bases to disjoint uses (the runner derives
/// them from the run index), so two uses never share a stream.
public final class InstanceStreams {
    public let algorithm: RandomAlgorithm
    public let seed: UInt64
    public let base: UInt64
    public private(set) var generators: [RandomGenerator]

    /// Creates `count` streams with indices `base ..< base + count`.
    public init(_ algorithm: RandomAlgorithm, seed: UInt64, base: UInt64, count: Int) throws {
        self.algorithm = algorithm
        self.seed = seed
        self.base = base
        generators = try (0..<count).map { try RandomGenerator(algorithm, seed: seed, stream: base + UInt64($0)) }
    }

    /// The stream of instance `n`.
    public subscript(n: Int) -> RandomGenerator { generators[n] }

    public var count: Int { generators.count }

    /// Grows the set to at least `count` streams (existing streams keep their state).
    public func ensure(count: Int) throws {
        while generators.count < count {
            generators.append(try RandomGenerator(algorithm, seed: seed, stream: base + UInt64(generators.count)))
        }
    }

    /// Every stream's state, for checkpoints.
    public func saveStates() -> [RandomGenerator.State] { generators.map { $0.saveState() } }

    /// Restores states saved by ``saveStates()``.
    public func restoreStates(_ states: [RandomGenerator.State]) throws {
        try ensure(count: states.count)
        for (g, s) in zip(generators, states) { try g.restoreState(s) }
    }
}
