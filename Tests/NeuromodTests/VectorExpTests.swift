import Foundation
import Testing
@testable import Neuromod

@Suite struct VectorExpTests {
    /// Distance in units in the last place between two positive finite doubles.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    func vectorExp(_ xs: [Double]) -> [Double] {
        var out = Array(repeating: 0.0, count: xs.count)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { VectorExp.apply(x, into: $0) } }
        return out
    }

    /// 200 000 arguments spread over [−708, 709.78] (every normal result), plus a dense sweep of
    /// [−40, 40] where sigmoids live: within 2 ulp of libm's exp.
    @Test func agreesWithLibmWithinTwoUlp() throws {
        let rng = try RandomGenerator(.taus2, seed: 11)
        var xs = (0..<200_000).map { _ in -708 + 1417.78 * rng.uniform() }
        xs += (0..<80_001).map { -40 + Double($0) * 0.001 }
        xs += [0, -0.0, 1, -1, 1e-300, -1e-300, 709.78, 709.782712893384, -708]
        let got = vectorExp(xs)
        var worst: UInt64 = 0, worstX = 0.0
        for (x, y) in zip(xs, got) {
            let u = ulps(y, Foundation.exp(x))
            if u > worst { worst = u; worstX = x }
        }
        #expect(worst <= 2, "worst \(worst) ulp at x = \(worstX)")
    }

    @Test func overflowUnderflowAndNaN() {
        let got = vectorExp([710, 1e6, .infinity, -708.5, -746, -1e6, -.infinity, .nan])
        #expect(got[0] == .infinity && got[1] == .infinity && got[2] == .infinity)
        #expect(got[3] == 0 && got[4] == 0 && got[5] == 0 && got[6] == 0, "below e^−708 results flush to 0")
        #expect(got[7].isNaN)
    }

    /// Lengths that are not a multiple of the vector width, and the sign/shift arguments.
    @Test func tailAndAffineArgument() {
        let xs = [0.5, -1.25, 3, 2, -7]
        for n in 0...xs.count {
            var out = Array(repeating: 0.0, count: n)
            Array(xs.prefix(n)).withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { VectorExp.apply(x, sign: -1, shift: 0.25, into: $0) }
            }
            for i in 0..<n { #expect(ulps(out[i], Foundation.exp(-xs[i] + 0.25)) <= 2) }
        }
    }
}
