import Testing
@testable import Neuromod

@Suite struct RandomGeneratorTests {
    @Test(arguments: RandomAlgorithm.allCases)
    func sameSeedAndStreamGiveTheSameDraws(algorithm: RandomAlgorithm) throws {
        let a = try RandomGenerator(algorithm, seed: 42, stream: 3)
        let b = try RandomGenerator(algorithm, seed: 42, stream: 3)
        let c = try RandomGenerator(algorithm, seed: 42, stream: 4)
        var x = [Double](repeating: 0, count: 100), y = x, z = x
        a.fillGaussian(&x); b.fillGaussian(&y); c.fillGaussian(&z)
        #expect(x == y)
        #expect(x != z)
    }

    /// Mean and variance of 200 000 ziggurat draws: the standard errors are σ²/√N ≈ 0.0022·σ² for the
    /// mean and √2·σ²/√N ≈ 0.0032·σ² for the variance; 5 standard errors is the tolerance.
    @Test(arguments: [RandomAlgorithm.mt19937, .taus2, .gfsr4])
    func gaussianDrawsHaveTheRequestedMoments(algorithm: RandomAlgorithm) throws {
        let g = try RandomGenerator(algorithm, seed: 7)
        let n = 200_000, sigma = 0.3
        var x = [Double](repeating: 0, count: n)
        g.fillGaussian(&x, sigma: sigma)
        let mean = x.reduce(0, +) / Double(n)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let v = sigma * sigma
        #expect(abs(mean) < 5 * sigma / Double(n).squareRoot())
        #expect(abs(variance - v) < 5 * 2.0.squareRoot() * v / Double(n).squareRoot())
    }

    /// GSL's polar and ratio methods (timed by neuromod-bench) draw N(0, σ²) too: the moments test
    /// above, same tolerances; the ziggurat method is `fillGaussian`'s draws exactly.
    @Test(arguments: RandomGenerator.GaussianMethod.allCases)
    func everyGaussianMethodHasTheRequestedMoments(method: RandomGenerator.GaussianMethod) throws {
        let g = try RandomGenerator(.taus2, seed: 7)
        let n = 200_000, sigma = 0.3
        var x = [Double](repeating: 0, count: n)
        x.withUnsafeMutableBufferPointer { g.fillGaussian($0, sigma: sigma, method: method) }
        let mean = x.reduce(0, +) / Double(n)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let v = sigma * sigma
        #expect(abs(mean) < 5 * sigma / Double(n).squareRoot())
        #expect(abs(variance - v) < 5 * 2.0.squareRoot() * v / Double(n).squareRoot())
        if method == .ziggurat {
            var y = [Double](repeating: 0, count: n)
            try RandomGenerator(.taus2, seed: 7).fillGaussian(&y, sigma: sigma)
            #expect(x == y)
        }
    }

    @Test(arguments: RandomAlgorithm.allCases)
    func restoredStateReplaysTheSameDraws(algorithm: RandomAlgorithm) throws {
        let g = try RandomGenerator(algorithm, seed: 9)
        _ = (0..<17).map { _ in g.gaussian() }
        let state = g.saveState()
        let first = (0..<50).map { _ in g.gaussian() }
        let other = try RandomGenerator(algorithm, seed: 1234)
        try other.restoreState(state)
        #expect((0..<50).map { _ in other.gaussian() } == first)
    }

    @Test func restoringIntoAnotherAlgorithmIsAnError() throws {
        let state = try RandomGenerator(.mt19937, seed: 1).saveState()
        #expect(throws: GSLError.stateMismatch(expected: "taus2", got: "mt19937")) {
            try RandomGenerator(.taus2, seed: 1).restoreState(state)
        }
    }

    @Test func derivedSeedsDifferAcrossStreamsAndAreNeverZero() {
        let seeds = Set((0..<10_000).map { RandomGenerator.derivedSeed(seed: 5, stream: UInt64($0)) })
        #expect(seeds.count == 10_000)
        #expect(!seeds.contains(0))
        #expect(seeds.allSatisfy { $0 <= UInt64(UInt32.max) })
    }

    @Test func permutationIsAPermutation() throws {
        let p = try RandomGenerator(seed: 3).permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
    }
}
