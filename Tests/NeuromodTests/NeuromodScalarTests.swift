import Foundation
import Testing
@testable import Neuromod

/// The scalar protocol the numeric core is to be generic over (docs/precision.md): `Double` binds
/// to the very primitives the float64 engine calls (a generic pass equals `Network.forward` bit for
/// bit), `Float` to `cblas_s*` and the float kernels; a float32 pass stays within a measured bound
/// of the float64 pass and gives the same bits whatever the kernel level and OpenBLAS thread count.
@Suite struct NeuromodScalarTests {
    struct Layer<S: NeuromodScalar> {
        var weights: [S], bias: [S]
        let pre: Int, post: Int, activation: Activation
    }

    /// One feedforward pass as `Network.forward` runs it with ≤ 128 inputs per layer: z ← b per row,
    /// z += x Wᵀ (one GEMM, β = 1), a = φ(z); in `S`, at `table`'s kernel level.
    static func pass<S: NeuromodScalar>(_ x: [S], batch: Int, _ layers: [Layer<S>], table: KernelTable) -> [S] {
        var a = x
        for layer in layers {
            var z = [S](repeating: 0, count: batch * layer.post), out = z
            z.withUnsafeMutableBufferPointer { zp in layer.bias.withUnsafeBufferPointer { S.fillRows(table, zp, $0) } }
            a.withUnsafeBufferPointer { ap in
                layer.weights.withUnsafeBufferPointer { wp in
                    z.withUnsafeMutableBufferPointer { zp in
                        S.gemm(.none, .transposed, m: batch, n: layer.post, k: layer.pre, alpha: 1, ap.baseAddress!, lda: layer.pre,
                               wp.baseAddress!, ldb: layer.pre, beta: 1, zp.baseAddress!, ldc: layer.post)
                    }
                }
            }
            z.withUnsafeBufferPointer { zp in out.withUnsafeMutableBufferPointer { S.activate(table, layer.activation, zp, into: $0) } }
            a = out
        }
        return a
    }

    /// The housing network (8-128-64-1, sigmoid, sigmoid, linear), batch 256, uniform initial weights.
    static func housing() throws -> (Network, Matrix) {
        let network = try Network(inputSize: 8, populations: [Population(size: 128, activation: .sigmoid),
                                                              Population(size: 64, activation: .sigmoid),
                                                              Population(size: 1, activation: .linear)],
                                  initializer: .uniform, rng: RandomGenerator(.taus2, seed: 3))
        let rng = try RandomGenerator(.taus2, seed: 4)
        let input = Matrix(rows: 256, cols: 8, storage: (0..<(256 * 8)).map { _ in rng.gaussian(sigma: 2) })
        return (network, input)
    }

    static func layers<S: NeuromodScalar>(_ network: Network, as _: S.Type) -> [Layer<S>] {
        (0..<network.depth).map { l in
            Layer(weights: network.parameters[l].weights.storage.map { S($0) }, bias: network.parameters[l].bias.map { S($0) },
                  pre: network.layerSizes[l], post: network.layerSizes[l + 1], activation: network.populations[l].activation)
        }
    }

    @Test func doubleIsTheFloat64EnginesArithmetic() throws {
        let (network, input) = try Self.housing()
        let expected = network.forward(input).storage
        let generic = Self.pass(input.storage, batch: 256, Self.layers(network, as: Double.self), table: .current)
        #expect(generic.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    static let measuredRelative = 2.67e-6

    /// Measured largest absolute float32 − float64 differences of y = 2Ax − 1 and y = 2Aᵀx − 1 below.
    static let measuredGemv = (6.01e-6, 4.51e-6)

    @Test func gemvInBothPrecisions() throws {
        let rng = try RandomGenerator(.taus2, seed: 9)
        let m = 64, n = 129
        let a = (0..<(m * n)).map { _ in rng.gaussian(sigma: 1) }, x = (0..<n).map { _ in rng.gaussian(sigma: 1) }
        let xt = (0..<m).map { _ in rng.gaussian(sigma: 1) }
        let exact = (0..<m).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] * x[$1] } }
        let exactT = (0..<n).map { j in (0..<m).reduce(0.0) { $0 + a[$1 * n + j] * xt[$1] } }
        func run<S: NeuromodScalar>(_: S.Type) -> ([S], [S]) {
            let sa = a.map { S($0) }, sx = x.map { S($0) }, sxt = xt.map { S($0) }
            var y = [S](repeating: 1, count: m), yt = [S](repeating: 1, count: n)
            S.gemv(.none, m: m, n: n, alpha: 2, sa, lda: n, sx, beta: -1, &y)
            S.gemv(.transposed, m: m, n: n, alpha: 2, sa, lda: n, sxt, beta: -1, &yt)
            return (y, yt)
        }
        let (d, dt) = run(Double.self), (f, ft) = run(Float.self)
        for (i, v) in d.enumerated() { #expect(abs(v - (2 * exact[i] - 1)) <= 1e-12 * 30, "row \(i)") }
        for (j, v) in dt.enumerated() { #expect(abs(v - (2 * exactT[j] - 1)) <= 1e-12 * 30, "column \(j)") }
        // Float: inputs rounded to float, float sums of 129 (64) products of N(0, 1) values; bound 5× measured.
        let worst = zip(f, d).map { abs(Double($0) - $1) }.max()!, worstT = zip(ft, dt).map { abs(Double($0) - $1) }.max()!
        #expect(worst > 0 && worst <= 5 * Self.measuredGemv.0 && worstT > 0 && worstT <= 5 * Self.measuredGemv.1, "\(worst) \(worstT)")
    }

    @Test func drawsEnterEachPrecisionAsStated() throws {
        let rng = try RandomGenerator(.taus2, seed: 12)
        let draws = (0..<1000).map { _ in rng.gaussian(sigma: 0.1) } + [0, -0.0, 1e-300, 1e300, .infinity]
        var d = [Double](repeating: .nan, count: draws.count), f = [Float](repeating: .nan, count: draws.count)
        draws.withUnsafeBufferPointer { x in
            d.withUnsafeMutableBufferPointer { Double.fromDraws(x, into: $0) }
            f.withUnsafeMutableBufferPointer { Float.fromDraws(x, into: $0) }
        }
        #expect(d.map(\.bitPattern) == draws.map(\.bitPattern))
        #expect(f.map(\.bitPattern) == draws.map { Float($0).bitPattern })
        #expect(Double.precisionName == "float64" && Float.precisionName == "float32")
    }

    /// ±σ from a sign bit (the Rademacher expansion): the sign bit flipped exactly, ±0 included.
    @Test func signFlipsAreExact() {
        for v in [0.3, 0, -0.0, 1e-300, -7.25, .infinity] {
            #expect(v.flippingSign(0).bitPattern == v.bitPattern && v.flippingSign(1).bitPattern == (-v).bitPattern)
            let f = Float(v)
            #expect(f.flippingSign(0).bitPattern == f.bitPattern && f.flippingSign(1).bitPattern == (-f).bitPattern)
        }
        #expect(Double.signTable[5] == SIMD8<Double>(1, -1, 1, -1, -1, -1, -1, -1))
        #expect(Float.signTable[255] == SIMD8<Float>(repeating: 1) && Float.signTable[0] == SIMD8<Float>(repeating: -1))
    }
}
