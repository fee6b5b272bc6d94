import Testing
@testable import Neuromod

/// The check of the backward kernel with the bias gradient's column sums in the same pass, shared by
/// the float64 (`KernelLevelTests`) and float32 (`Float32KernelTests`) kernel tests: out of place, in
/// place, and with δ the outer product of a one-neuron layer, it gives the backward kernel's bits and
/// then the column sums row after row from 0 (Backprop's former two passes), the same at every level.
struct BackwardColumnSumsCheck<S: NeuromodScalar> {
    /// The outer-product form: (table, φ, d, w, a, z, out, sums).
    typealias Outer = (KernelTable, Activation, UnsafeBufferPointer<S>, UnsafeBufferPointer<S>, UnsafeBufferPointer<S>,
                       UnsafeBufferPointer<S>, UnsafeMutableBufferPointer<S>, UnsafeMutableBufferPointer<S>) -> Void
    let levels: [KernelTable]
    let activations: [Activation]
    let inputs: (Int, UInt64) throws -> [S]
    /// gz = g·φ′(a, z) in this precision, as the kernels compute it.
    let reference: (Activation, S, S, S) -> S
    let outer: Outer

    func run(sizes: [(Int, Int)]) throws {
        for (rows, cols) in sizes {
            let n = rows * cols
            let a = try inputs(n, UInt64(n) + 910), z = try inputs(n, UInt64(n) + 920)
            let g = try inputs(n, UInt64(n) + 930)
            let d = try inputs(rows, UInt64(rows) + 940), w = Array(try inputs(cols, UInt64(cols) + 950).reversed())
            // The outer product as the BLAS rounds a one-term sum: (d_r·w_c) + 0.
            let outerDelta = (0..<n).map { d[$0 / cols] * w[$0 % cols] + 0 }
            for activation in activations {
                var expected: [[S]] = []
                for delta in [g, outerDelta] {
                    let gz = (0..<n).map { reference(activation, delta[$0], a[$0], z[$0]) }
                    var sums = [S](repeating: 0, count: cols)
                    for r in 0..<rows { for c in 0..<cols { sums[c] += 1 * gz[r * cols + c] } }
                    expected.append(gz + sums)
                }
                var first: [S]?
                for k in levels {
                    var out = [S](repeating: .nan, count: n), inPlace = g, fromOuter = out
                    var sums = [S](repeating: 0, count: cols), sumsInPlace = sums, sumsOuter = sums
                    a.withUnsafeBufferPointer { a in
                        z.withUnsafeBufferPointer { z in
                            g.withUnsafeBufferPointer { g in
                                out.withUnsafeMutableBufferPointer { o in
                                    sums.withUnsafeMutableBufferPointer { S.backward(k, activation, gradOutput: g, output: a, preActivation: z, into: o, addingColumnSumsInto: $0) }
                                }
                            }
                            inPlace.withUnsafeMutableBufferPointer { b in
                                sumsInPlace.withUnsafeMutableBufferPointer {
                                    S.backward(k, activation, gradOutput: UnsafeBufferPointer(b), output: a, preActivation: z, into: b, addingColumnSumsInto: $0)
                                }
                            }
                            d.withUnsafeBufferPointer { d in
                                w.withUnsafeBufferPointer { w in
                                    fromOuter.withUnsafeMutableBufferPointer { o in
                                        sumsOuter.withUnsafeMutableBufferPointer {
                                            outer(k, activation, d, w, a, z, o, $0)
                                        }
                                    }
                                }
                            }
                        }
                    }
                    #expect(same(out + sums, expected[0]), "\(activation) \(rows)×\(cols) at \(k.level)")
                    #expect(same(inPlace + sumsInPlace, out + sums), "in place: \(activation) \(rows)×\(cols) at \(k.level)")
                    #expect(same(fromOuter + sumsOuter, expected[1]), "outer: \(activation) \(rows)×\(cols) at \(k.level)")
                    let all = out + sums + fromOuter + sumsOuter
                    // `same`: a NaN's sign may differ between levels in release builds (docs/kernels.md).
                    if let first { #expect(same(all, first), "\(activation) \(rows)×\(cols) at \(k.level)") }
                    first = first ?? all
                }
            }
        }
    }
}
