import Testing
@testable import Neuromod

/// `fillGaussian` runs the ziggurat's fast path itself (gaussian_ziggurat.c) but must give exactly
/// GSL's numbers: every value of n calls of `gsl_ran_gaussian_ziggurat`, and the generator left in
/// the same state.
@Suite struct GaussianZigguratTests {
    /// Two generators from the same seed: one fills with the fast path inline, the other calls GSL per draw.
    private func pair(_ algorithm: RandomAlgorithm, seed: UInt64) throws -> (RandomGenerator, RandomGenerator) {
        (try RandomGenerator(algorithm, seed: seed, stream: 5), try RandomGenerator(algorithm, seed: seed, stream: 5))
    }

    private func perCall(_ g: RandomGenerator, _ n: Int, sigma: Double) -> [Double] {
        var x = [Double](repeating: 0, count: n)
        x.withUnsafeMutableBufferPointer { g.fillGaussian($0, sigma: sigma, method: .zigguratPerCall) }
        return x
    }

    @Test func theFastGeneratorsRunTheFastPathInlineAndTheOthersPerCall() throws {
        #expect(try RandomGenerator(.taus2, seed: 1).zigguratInline)
        #expect(try RandomGenerator(.mt19937, seed: 1).zigguratInline)
        #expect(try RandomGenerator(.gfsr4, seed: 1).zigguratInline)
        // ranlxd2's uniform carries 48 bits, not draw / 2³²: its slow path could not be replayed.
        #expect(try !RandomGenerator(.ranlxd2, seed: 1).zigguratInline)
    }

    /// Several lengths and σ with inexact products: bit for bit, and the next draws agree (same state).
    @Test(arguments: RandomAlgorithm.allCases)
    func theFillGivesGSLsDrawsAndState(algorithm: RandomAlgorithm) throws {
        for (n, sigma) in [(0, 1.0), (1, 1.0), (255, 0.37), (256, 0.1), (257, 2.5), (4099, 1.0), (100_000, 0.013)] {
            let (a, b) = try pair(algorithm, seed: UInt64(n) &+ 11)
            var x = [Double](repeating: .nan, count: n)
            a.fillGaussian(&x, sigma: sigma)
            let y = perCall(b, n, sigma: sigma)
            #expect(x.map(\.bitPattern) == y.map(\.bitPattern), "\(algorithm) n=\(n)")
            #expect(a.saveState() == b.saveState(), "\(algorithm) n=\(n)")
            #expect((0..<8).map { _ in a.uniform() } == (0..<8).map { _ in b.uniform() })
        }
    }

    /// 2 000 000 taus2 draws in rows of 37, about 55 000 of them through GSL's slow path (layer 0 and
    /// the wedges, 2.8 %) and about 1 100 in the tail beyond r = 3.44.
    @Test func millionsOfDrawsInShortRowsMatchGSL() throws {
        let (a, b) = try pair(.taus2, seed: 2026)
        var x = [Double](repeating: 0, count: 37)
        var tail = 0
        for _ in 0..<(2_000_000 / 37) {
            x.withUnsafeMutableBufferPointer { a.fillGaussian($0, sigma: 1) }
            let y = perCall(b, 37, sigma: 1)
            #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
            tail += y.filter { abs($0) > 3.44428647676 }.count
        }
        #expect(tail > 300)  // P(|z| > r) = 5.7e-4: about 1 100 expected
        #expect(a.saveState() == b.saveState())
    }

    /// The float fill is the double fill rounded to nearest, value for value, and leaves the same state.
    @Test(arguments: [RandomAlgorithm.taus2, .ranlxd2])
    func floatFillIsTheDoubleFillRounded(algorithm: RandomAlgorithm) throws {
        let (a, b) = try pair(algorithm, seed: 3)
        var x = [Float](repeating: .nan, count: 5000), y = [Double](repeating: 0, count: 5000)
        x.withUnsafeMutableBufferPointer { a.fillGaussian($0, sigma: 0.1) }
        b.fillGaussian(&y, sigma: 0.1)
        #expect(x.map(\.bitPattern) == y.map { Float($0).bitPattern })
        #expect(a.saveState() == b.saveState())
    }
}
