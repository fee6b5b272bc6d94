import Foundation
import Testing
@testable import Neuromod

/// The generic dense matrix (docs/precision.md, step 2c): `Matrix` is `DenseMatrix<Double>` with its
/// concrete float64 members; the generic members (the float32 mode's) give, in `Double`, exactly the
/// concrete members' bits, and in `Float` exactly a Swift `Float` loop's in the kernels' operation
/// order (products: exact golden values on integer entries, and within a measured bound of float64).
@Suite struct DenseMatrixTests {
    /// Generic entry points, so that `S == Double` runs the generic members, not the concrete ones.
    enum Generic<S: NeuromodScalar> {
        static func gemm(_ a: DenseMatrix<S>, _ b: DenseMatrix<S>, _ ta: Transpose, _ tb: Transpose,
                         alpha: S, beta: S, into c: inout DenseMatrix<S>) {
            DenseMatrix<S>.gemm(a, b, transA: ta, transB: tb, alpha: alpha, beta: beta, into: &c)
        }
        static func add(_ y: inout DenseMatrix<S>, _ x: DenseMatrix<S>, _ alpha: S) { y.add(x, scaledBy: alpha) }
        static func multiply(_ y: inout DenseMatrix<S>, _ x: DenseMatrix<S>) { y.multiplyElementwise(by: x) }
        static func addRow(_ y: inout DenseMatrix<S>, _ v: [S]) { y.addRowVector(v) }
        static func columnSums(_ y: DenseMatrix<S>, _ alpha: S, into out: inout [S]) { y.addColumnSums(scaledBy: alpha, into: &out) }
        static func scale(_ y: inout DenseMatrix<S>, _ f: S) { y.scale(by: f) }
        static func make(rows: Int, cols: Int, _ storage: [S]) -> DenseMatrix<S> { DenseMatrix<S>(rows: rows, cols: cols, storage: storage) }
    }

    static func random(_ rows: Int, _ cols: Int, seed: UInt64) throws -> Matrix {
        let rng = try RandomGenerator(.taus2, seed: seed)
        return Matrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map { _ in rng.gaussian(sigma: 1) })
    }

    @Test func matrixIsTheFloat64DenseMatrix() {
        #expect(Matrix.self == DenseMatrix<Double>.self)
        let m = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3 && m[1, 2] == 6 && m.row(1) == [4, 5, 6])
    }

    /// In `Double`, every generic member gives the concrete float64 member's bits (the float64 engine's).
    @Test func genericDoubleMembersAreTheFloat64Members() throws {
        let a = try Self.random(37, 19, seed: 1), b = try Self.random(19, 23, seed: 2), bt = try Self.random(23, 19, seed: 3)
        let at = try Self.random(19, 37, seed: 4), c0 = try Self.random(37, 23, seed: 5)
        for (x, y, ta, tb) in [(a, b, Transpose.none, Transpose.none), (a, bt, .none, .transposed),
                               (at, b, .transposed, .none), (at, bt, .transposed, .transposed)] {
            var concrete = c0, generic = c0
            Matrix.gemm(x, y, transA: ta, transB: tb, alpha: 0.7, beta: -1.3, into: &concrete)
            Generic<Double>.gemm(x, y, ta, tb, alpha: 0.7, beta: -1.3, into: &generic)
            #expect(generic.storage.map(\.bitPattern) == concrete.storage.map(\.bitPattern), "\(ta) \(tb)")
        }
        let x = try Self.random(37, 23, seed: 6), v = try Self.random(1, 23, seed: 7).storage
        var concrete = c0, generic = c0
        concrete.add(x, scaledBy: -0.37); Generic<Double>.add(&generic, x, -0.37)
        concrete.multiplyElementwise(by: x); Generic<Double>.multiply(&generic, x)
        concrete.addRowVector(v); Generic<Double>.addRow(&generic, v)
        concrete.scale(by: 1.7); Generic<Double>.scale(&generic, 1.7)
        #expect(generic.storage.map(\.bitPattern) == concrete.storage.map(\.bitPattern))
        var sumsConcrete = v, sumsGeneric = v
        c0.addColumnSums(scaledBy: 0.3, into: &sumsConcrete)
        Generic<Double>.columnSums(c0, 0.3, into: &sumsGeneric)
        #expect(sumsGeneric.map(\.bitPattern) == sumsConcrete.map(\.bitPattern))
    }

    /// Float products on small integers are exact: golden values, every transpose, α and β, k = 0.
    @Test func floatGemmGoldenValues() {
        let a = Generic<Float>.make(rows: 2, cols: 3, [1, 2, 3, 4, 5, 6])
        let b = Generic<Float>.make(rows: 3, cols: 2, [7, 8, 9, 10, 11, 12])
        var c = DenseMatrix<Float>(rows: 2, cols: 2, value: 1)
        Generic<Float>.gemm(a, b, .none, .none, alpha: 2, beta: 3, into: &c)
        #expect(c.storage == [119, 131, 281, 311])   // 2·[[58, 64], [139, 154]] + 3
        var d = DenseMatrix<Float>(rows: 3, cols: 3)
        Generic<Float>.gemm(a, a, .transposed, .none, alpha: 1, beta: 0, into: &d)
        #expect(d.storage == [17, 22, 27, 22, 29, 36, 27, 36, 45])
        var e = DenseMatrix<Float>(rows: 2, cols: 2)
        Generic<Float>.gemm(a, a, .none, .transposed, alpha: 1, beta: 0, into: &e)
        #expect(e.storage == [14, 32, 32, 77])
        var f = DenseMatrix<Float>(rows: 2, cols: 2)
        Generic<Float>.gemm(b, a, .transposed, .transposed, alpha: -1, beta: 0, into: &f)
        #expect(f.storage == [-58, -139, -64, -154])
        var g = DenseMatrix<Float>(rows: 2, cols: 2, value: 3)   // k = 0: C ← β·C
        Generic<Float>.gemm(DenseMatrix<Float>(rows: 2, cols: 0), DenseMatrix<Float>(rows: 0, cols: 2), .none, .none,
                            alpha: 1, beta: 0.5, into: &g)
        #expect(g.storage == [1.5, 1.5, 1.5, 1.5])
    }

    static let measuredGemm = 3.21e-7

    /// The elementwise members in `Float` at every kernel level's `current` table: the same bits as a
    /// Swift `Float` loop in the kernels' order (y + α·x, y·x, y + v per row, column sums row after row).
    @Test func floatElementwiseMembersAreFloatLoops() throws {
        let y0 = DenseMatrix<Float>(converting: try Self.random(33, 17, seed: 21))
        let x = DenseMatrix<Float>(converting: try Self.random(33, 17, seed: 22))
        let v = DenseMatrix<Float>(converting: try Self.random(1, 17, seed: 23)).storage
        var y = y0
        Generic<Float>.add(&y, x, 0.37)
        #expect(y.storage.map(\.bitPattern) == zip(y0.storage, x.storage).map { $0 + 0.37 * $1 }.map(\.bitPattern))
        var p = y0
        Generic<Float>.multiply(&p, x)
        #expect(p.storage.map(\.bitPattern) == zip(y0.storage, x.storage).map { $0 * $1 }.map(\.bitPattern))
        var r = y0
        Generic<Float>.addRow(&r, v)
        #expect(r.storage.map(\.bitPattern) == y0.storage.indices.map { y0.storage[$0] + v[$0 % 17] }.map(\.bitPattern))
        var s = y0
        Generic<Float>.scale(&s, -2.5)
        #expect(s.storage == y0.storage.map { $0 * -2.5 })
        var sums = v, expected = v
        Generic<Float>.columnSums(y0, 0.5, into: &sums)
        for row in 0..<33 { for c in 0..<17 { expected[c] = expected[c] + 0.5 * y0[row, c] } }
        #expect(sums.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func conversionRoundsToNearestAndBackIsExact() throws {
        let m = Matrix([[0.1, -1e40], [1e-50, 1 + 0x1p-24]])
        let f = DenseMatrix<Float>(converting: m)
        #expect(f.storage.map(\.bitPattern) == [Float(0.1), -Float.infinity, 0, 1].map(\.bitPattern))
        #expect(f.float64.storage == f.storage.map { Double($0) })
        var g = DenseMatrix<Float>(rows: 3, cols: 2, storage: [1, 2, 3, 4, 5, 6])
        var out = DenseMatrix<Float>(rows: 2, cols: 2)
        g.gatherRows([2, 0], into: &out)
        #expect(out.storage == [5, 6, 1, 2])
        g[0, 1] = 9
        #expect(g[0, 1] == 9 && g.storage[1] == 9)
        g.resize(rows: 1, value: 4)
        #expect(g.rows == 1 && g.cols == 2 && g.storage == [4, 4])
    }
}
