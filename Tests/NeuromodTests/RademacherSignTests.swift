import CGSL
import Testing
@testable import Neuromod

/// Rademacher signs from raw bits (`RandomGenerator+Signs.swift`): the rule (k bits per accepted
/// draw, low bits first, rejection above 2^k, a fresh draw per call), golden sequences, balance and
/// independence.
@Suite struct RademacherSignTests {
    static let thirtyTwoBit: [RandomAlgorithm] = RandomAlgorithm.allCases

    /// Every built-in generator gives 32 bits per raw draw; the rule's k for other ranges.
    @Test func bitsPerDrawFollowTheRange() throws {
        for a in Self.thirtyTwoBit { #expect(try RandomGenerator(a, seed: 1).signBitsPerDraw == 32, "\(a)") }
        #expect(SignBitReader.bitsPerDraw(minimum: 0, maximum: 0xFF_FFFF) == 24)  // ranlux, ranlxs0
        #expect(SignBitReader.bitsPerDraw(minimum: 1, maximum: 6) == 2)           // r = 6: u < 4 accepted
        #expect(SignBitReader.bitsPerDraw(minimum: 0, maximum: 2) == 1)
        #expect(SignBitReader.bitsPerDraw(minimum: 0, maximum: 1) == 1)
        #expect(SignBitReader.bitsPerDraw(minimum: 0, maximum: .max) == 64)
        #expect(SignBitReader.bitsPerDraw(minimum: 1, maximum: 2_147_483_646) == 30)  // minstd: r = 2^31 − 2
    }

    /// Golden words (seed 1, stream 0, 150 signs): two raw draws per word, the low draw first; the last
    /// word holds 22 signs of one draw.
    @Test func goldenSignSequences() throws {
        let golden: [(RandomAlgorithm, [UInt64])] = [
            (.taus2, [0x8c41_4a79_a98b_e4e9, 0xe328_7f14_5fef_304c, 0xac548]),
            (.mt19937, [0xd677_896e_e941_c425, 0xddb8_55c8_6bbb_2fcd, 0x1ffe00]),
        ]
        for (algorithm, words) in golden {
            let g = try RandomGenerator(algorithm, seed: 1, stream: 0)
            var w = [UInt64](repeating: 0, count: 3)
            w.withUnsafeMutableBufferPointer { g.fillSignBits($0, count: 150) }
            #expect(w == words, "\(algorithm): \(w.map { String($0, radix: 16) })")
        }
    }

    /// The words are the generator's raw draws, low bits first; a call consumes ⌈count/32⌉ draws and
    /// the next call starts on a fresh draw.
    @Test(arguments: RademacherSignTests.thirtyTwoBit)
    func wordsAreRawDrawsLowBitsFirst(algorithm: RandomAlgorithm) throws {
        let g = try RandomGenerator(algorithm, seed: 3, stream: 2), raw = try RandomGenerator(algorithm, seed: 3, stream: 2)
        let d = (0..<6).map { _ in UInt64(gsl_rng_get(raw.rng)) }
        var w = [UInt64](repeating: 0, count: 3)
        w.withUnsafeMutableBufferPointer { g.fillSignBits($0, count: 150) }
        #expect(w == [d[0] | d[1] << 32, d[2] | d[3] << 32, d[4] & ((1 << 22) - 1)])
        var next = [UInt64](repeating: 0, count: 1)
        next.withUnsafeMutableBufferPointer { g.fillSignBits($0, count: 40) }
        let e = (0..<2).map { _ in UInt64(gsl_rng_get(raw.rng)) }
        #expect(next[0] == d[5] | (e[0] & 0xFF) << 32, "40 signs: one draw whole, 8 bits of the next")
        var after = [UInt64](repeating: 0, count: 1)
        after.withUnsafeMutableBufferPointer { g.fillSignBits($0, count: 32) }
        #expect(after[0] == e[1], "the 24 unused bits of the last call are discarded")
    }

    /// A 24-bit generator (GSL's ranlxs0): signs are the concatenated 24-bit draws, low bits first,
    /// and a word spans draw boundaries.
    @Test func twentyFourBitGeneratorConcatenatesItsDraws() throws {
        let rng = gsl_rng_alloc(neuromod_rng_ranlxs0())!, raw = gsl_rng_alloc(neuromod_rng_ranlxs0())!
        defer { gsl_rng_free(rng); gsl_rng_free(raw) }
        gsl_rng_set(rng, 1)
        gsl_rng_set(raw, 1)
        #expect(gsl_rng_max(rng) == 0xFF_FFFF && gsl_rng_min(rng) == 0)
        var reader = SignBitReader(rng)
        let words = [reader.next(64), reader.next(64), reader.next(22)]
        #expect(words == [0x580e_7e7c_6252_23d0, 0x5ca6_6989_cfd0_a8b4, 0x2ec17d])  // golden, seed 1
        var bits: [UInt64] = []
        for _ in 0..<7 { let v = UInt64(gsl_rng_get(raw)); for b in 0..<24 { bits.append((v >> UInt64(b)) & 1) } }
        func word(_ from: Int, _ count: Int) -> UInt64 { (0..<count).reduce(0) { $0 | bits[from + $1] << UInt64($1) } }
        #expect(words == [word(0, 64), word(64, 64), word(128, 22)])
    }

    /// Range [1, 6] (not a power of two): k = 2, u = v − 1, draws with u ≥ 4 (v = 5, 6) rejected.
    @Test func drawsAboveThePowerOfTwoAreRejected() {
        var script: [UInt64] = [1, 5, 4, 6, 2, 3, 3, 1]
        var reader = SignBitReader(minimum: 1, maximum: 6) { script.removeFirst() }
        // Accepted u: 0, 3, 1, 2, 2 → bits (low first) 00 11 10 01 01 → t = 2, 3, 4, 7, 9 set.
        #expect(reader.next(10) == 0b10_1001_1100)
        #expect(script == [1], "10 signs take 5 accepted draws (7 raw) and no more")
    }

    /// ±1 balance: 2^22 signs per generator; the count of + is Binomial(N, ½), standard deviation
    /// √N/2 = 1 024; the tolerance is 5 of them.
    @Test(arguments: RademacherSignTests.thirtyTwoBit)
    func signsAreBalanced(algorithm: RandomAlgorithm) throws {
        let n = 1 << 22
        let g = try RandomGenerator(algorithm, seed: 11, stream: 4)
        var w = [UInt64](repeating: 0, count: n / 64)
        w.withUnsafeMutableBufferPointer { g.fillSignBits($0, count: n) }
        let ones = w.reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(abs(ones - n / 2) < 5 * 1024, "\(algorithm): \(ones) of \(n)")
    }

    /// Independence sanity: every bit position of the 32-bit draw is fair on its own (2^15 draws,
    /// sd √M/2 = 90.5), and signs agree with their neighbours at lags 1, 31, 32 and 64 half the time
    /// (2^20 pairs, sd 512); tolerance 5 sd each.
    @Test(arguments: RademacherSignTests.thirtyTwoBit)
    func bitsLookIndependent(algorithm: RandomAlgorithm) throws {
        let n = 1 << 20
        let g = try RandomGenerator(algorithm, seed: 12, stream: 0)
        var w = [UInt64](repeating: 0, count: n / 64 + 2)
        w.withUnsafeMutableBufferPointer { g.fillSignBits($0, count: n + 128) }
        func bit(_ t: Int) -> Int { Int((w[t >> 6] >> UInt64(t & 63)) & 1) }
        let draws = n / 32
        for position in 0..<32 {
            let ones = (0..<draws).reduce(0) { $0 + bit($1 * 32 + position) }
            #expect(Double(abs(ones - draws / 2)) < 5 * 90.5, "\(algorithm): bit \(position) set in \(ones) of \(draws) draws")
        }
        for lag in [1, 31, 32, 64] {
            let agree = (0..<n).reduce(0) { $0 + (bit($1) == bit($1 + lag) ? 1 : 0) }
            #expect(abs(agree - n / 2) < 5 * 512, "\(algorithm): lag \(lag) agreement \(agree) of \(n)")
        }
    }

    /// `fillRademacher` is `fillSignBits` read as ±scale.
    @Test func fillRademacherReadsTheSameSigns() throws {
        let a = try RandomGenerator(.taus2, seed: 8, stream: 1), b = try RandomGenerator(.taus2, seed: 8, stream: 1)
        var values = [Double](repeating: 0, count: 203)
        a.fillRademacher(&values, scale: 0.3)
        var w = [UInt64](repeating: 0, count: 4)
        w.withUnsafeMutableBufferPointer { b.fillSignBits($0, count: 203) }
        #expect(values == (0..<203).map { (w[$0 / 64] >> UInt64($0 % 64)) & 1 == 1 ? 0.3 : -0.3 })
        #expect(w[3] >> 11 == 0, "bits beyond the count are 0")
    }
}
