import Foundation
import Testing
@testable import Neuromod

/// The C kernels give the same bits at every level this CPU has (portable, AVX2, AVX-512), and the
/// same bits as the Swift loops they replaced (kept below as references), on random inputs and on
/// the edge cases: ±0, ±∞, NaN, subnormals, exp's clamp bounds, and lengths that leave vector tails.
@Suite struct KernelLevelTests {
    let levels = Kernels.available.map { KernelTable(level: $0)! }

    static let edges: [Double] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, -.leastNormalMagnitude, .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 709.782712893384, 709.782712893384.nextUp, 709.782712893384.nextDown, -708,
        (-708.0).nextUp, (-708.0).nextDown, 708, -709.782712893384, 745, -745, 1e-300, -1e-300, 36.7, -36.7, 0.5,
    ]

    /// `count` values: the edges (cycled), then random ones over [−750, 750], [−40, 40] and [−1, 1].
    func inputs(_ count: Int, seed: UInt64) throws -> [Double] {
        let rng = try RandomGenerator(.taus2, seed: seed)
        return (0..<count).map { i in
            if i < Self.edges.count * 2 { return Self.edges[(i * 7 + Int(seed)) % Self.edges.count] }
            switch i % 3 {
            case 0: return -750 + 1500 * rng.uniform()
            case 1: return -40 + 80 * rng.uniform()
            default: return -1 + 2 * rng.uniform()
            }
        }
    }

    /// Lengths with every tail of an 8-wide, 4×-unrolled loop, whole blocks of the blocked exp and
    /// blocks with tails (8, 16 and 64 doubles at portable, AVX2 and AVX-512), and a large batch.
    static let lengths = Array(0...17) + [31, 33, 63, 64, 65, 127, 128, 129, 191, 257, 256 * 192 + 3]

    /// Runs `body` on every level with fresh copies of `buffers`, returning each level's outputs.
    func perLevel(_ body: (KernelTable) -> [Double]) -> [[Double]] { levels.map(body) }

    @Test func everyLevelOfThisCPUIsTested() {
        #expect(levels.map(\.level) == Kernels.available)
        #expect(Kernels.available.last == .portable)
        #expect(Kernels.available.contains(Kernels.selected))
        #if arch(x86_64)
        // The machine of these tests has AVX-512 (HARDWARE.md); a CPU without it tests fewer levels.
        if FileManager.default.contents(atPath: "/proc/cpuinfo").map({ String(decoding: $0, as: UTF8.self).contains(" avx512dq") }) == true {
            #expect(Kernels.available == [.avx512, .avx2, .portable])
        }
        #endif
    }

    @Test func expIsIdenticalAtEveryLevelAndToTheSwiftLoop() throws {
        for n in Self.lengths {
            let x = try inputs(n, seed: UInt64(n) + 1)
            for (sign, shift) in [(1.0, 0.0), (-1.0, 0.0), (1.0, -3.5), (-1.0, 0.25)] {
                let outputs = perLevel { k in
                    var out = [Double](repeating: 0, count: n)
                    x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { k.exp(x, sign: sign, shift: shift, into: $0) } }
                    return out
                }
                for o in outputs { #expect(identical(o, outputs[0]), "n \(n) sign \(sign) shift \(shift)") }
                #expect(same(outputs[0], x.map { SwiftReference.exp($0 * sign + shift) }), "n \(n)")
            }
        }
        // In place (the same buffer in and out): the same bits.
        let x = try inputs(1001, seed: 99)
        for k in levels {
            var buffer = x, out = [Double](repeating: 0, count: x.count)
            x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { k.exp(x, sign: -1, shift: 0, into: $0) } }
            buffer.withUnsafeMutableBufferPointer { b in k.exp(UnsafeBufferPointer(b), sign: -1, shift: 0, into: b) }
            #expect(identical(buffer, out), "\(k.level)")
        }
    }

    static let elementwise: [Activation] = [.linear, .sigmoid, .tanh, .relu, .leakyReLU(slope: 0.01), .leakyReLU(slope: -2.5)]

    @Test func activationsAreIdenticalAtEveryLevelAndToTheSwiftLoops() throws {
        for n in Self.lengths {
            let z = try inputs(n, seed: UInt64(n) + 100)
            for activation in Self.elementwise {
                let outputs = perLevel { k in
                    var out = [Double](repeating: 0, count: n)
                    z.withUnsafeBufferPointer { z in out.withUnsafeMutableBufferPointer { k.activate(activation, z, into: $0) } }
                    return out
                }
                for o in outputs { #expect(identical(o, outputs[0]), "\(activation) n \(n)") }
                #expect(same(outputs[0], z.map { SwiftReference.apply(activation, $0) }), "\(activation) n \(n)")
            }
        }
    }

    /// The fused bias + activation pass: the same bits as adding the bias, then applying φ.
    @Test func biasAndActivationInOnePassMatchTwoPasses() throws {
        for (rows, cols) in [(1, 1), (3, 7), (5, 17), (256, 129), (4, 8), (2, 300)] {
            let z = try inputs(rows * cols, seed: UInt64(rows * 1000 + cols)), bias = Array(try inputs(cols, seed: UInt64(cols) + 7).reversed())
            for activation in Self.elementwise + [.softmax] {
                var expectedZ = z
                for r in 0..<rows { for c in 0..<cols { expectedZ[r * cols + c] += bias[c] } }
                let expected = activation == .softmax ? SwiftReference.softmax(expectedZ, width: cols)
                                                      : expectedZ.map { SwiftReference.apply(activation, $0) }
                var first: ([Double], [Double])?
                for k in levels {
                    var zz = z, out = [Double](repeating: 0, count: z.count)
                    bias.withUnsafeBufferPointer { b in
                        zz.withUnsafeMutableBufferPointer { zp in
                            out.withUnsafeMutableBufferPointer { o in
                                if activation == .softmax {
                                    k.addRowVector(zp, b)
                                    k.softmax(UnsafeBufferPointer(zp), width: cols, into: o)
                                } else {
                                    k.biasActivate(activation, zp, bias: b, into: o)
                                }
                            }
                        }
                    }
                    #expect(same(zz, expectedZ) && same(out, expected), "\(activation) \(rows)×\(cols) at \(k.level)")
                    if let first { #expect(identical(zz, first.0) && identical(out, first.1), "\(activation) at \(k.level)") }
                    first = first ?? (zz, out)
                }
            }
        }
    }

    @Test func softmaxAndItsBackwardPassAreIdenticalAtEveryLevel() throws {
        for (rows, cols) in [(1, 1), (3, 10), (7, 3), (64, 33), (2, 513)] {
            var z = try inputs(rows * cols, seed: UInt64(rows + cols))
            // Rows without NaN or ±∞ too, so that the sum is a number.
            z += try inputs(rows * cols, seed: 5).map { $0.isFinite ? max(-700, min(700, $0)) : 1 }
            let g = try inputs(2 * rows * cols, seed: 17).map { $0.isFinite ? $0 / 1e3 : 0.5 }
            let expected = SwiftReference.softmax(z, width: cols)
            let expectedBack = SwiftReference.softmaxBackward(g, expected, width: cols)
            var first: ([Double], [Double])?
            for k in levels {
                var out = [Double](repeating: 0, count: z.count), back = out
                z.withUnsafeBufferPointer { zp in out.withUnsafeMutableBufferPointer { k.softmax(zp, width: cols, into: $0) } }
                g.withUnsafeBufferPointer { gp in
                    out.withUnsafeBufferPointer { a in back.withUnsafeMutableBufferPointer { k.softmaxBackward(gradOutput: gp, output: a, width: cols, into: $0) } }
                }
                #expect(same(out, expected) && same(back, expectedBack), "\(rows)×\(cols) at \(k.level)")
                if let first { #expect(identical(out, first.0) && identical(back, first.1), "\(rows)×\(cols) at \(k.level)") }
                first = first ?? (out, back)
            }
        }
    }

    @Test func derivativesAndBackwardPassesAreIdenticalAtEveryLevel() throws {
        for n in Self.lengths {
            let a = try inputs(n, seed: UInt64(n) + 200), z = try inputs(n, seed: UInt64(n) + 300)
            let g = try inputs(n, seed: UInt64(n) + 400), f = try inputs(n, seed: UInt64(n) + 500)
            for activation in Self.elementwise {
                for m in [1.0, -0.37, 0, .infinity] {
                    let outputs = perLevel { k in
                        var d = [Double](repeating: 0, count: n), b = d, s = d, s1 = d
                        a.withUnsafeBufferPointer { a in
                            z.withUnsafeBufferPointer { z in
                                g.withUnsafeBufferPointer { g in
                                    f.withUnsafeBufferPointer { f in
                                        d.withUnsafeMutableBufferPointer { k.derivatives(activation, output: a, preActivation: z, into: $0) }
                                        b.withUnsafeMutableBufferPointer { k.backward(activation, gradOutput: g, output: a, preActivation: z, into: $0) }
                                        s.withUnsafeMutableBufferPointer { k.scaledDerivative(activation, scale: m, output: a, preActivation: z, factor: f, into: $0) }
                                        s1.withUnsafeMutableBufferPointer { k.scaledDerivative(activation, scale: m, output: a, preActivation: z, factor: nil, into: $0) }
                                    }
                                }
                            }
                        }
                        return d + b + s + s1
                    }
                    for o in outputs { #expect(identical(o, outputs[0]), "\(activation) m \(m) n \(n)") }
                    let d = (0..<n).map { activation.derivative(output: a[$0], preActivation: z[$0])! }
                    let expected = d + (0..<n).map { SwiftReference.backward(activation, g[$0], a[$0], z[$0]) }
                        + (0..<n).map { m * d[$0] * f[$0] } + (0..<n).map { m * d[$0] * 1 }
                    #expect(same(outputs[0], expected), "\(activation) m \(m) n \(n)")
                }
            }
        }
    }

    /// The backward pass with the bias gradient's column sums in the same pass (out of place, in place,
    /// and with δ the outer product of a one-neuron layer): the same bits as the backward kernel, then
    /// the column sums row after row from 0 (Backprop's former two passes), at every level.
    @Test func backwardWithColumnSumsMatchesTheTwoPasses() throws {
        try BackwardColumnSumsCheck<Double>(levels: levels, activations: Self.elementwise, inputs: inputs,
                                            reference: SwiftReference.backward) { k, activation, d, w, a, z, o, sums in
            k.backward(activation, outerProductOf: d, w, output: a, preActivation: z, into: o, addingColumnSumsInto: sums)
        }.run(sizes: [(1, 1), (3, 7), (5, 17), (256, 129), (256, 64), (2, 300), (9, 1)])
    }

    @Test func updateLoopsAreIdenticalAtEveryLevel() throws {
        for n in Self.lengths {
            let y = try inputs(n, seed: UInt64(n) + 600), x = try inputs(n, seed: UInt64(n) + 700), e = try inputs(n, seed: UInt64(n) + 800)
            for alpha in [1.0, -1, 0.3, -0.0] {
                let outputs = perLevel { k in
                    var add = y, mul = y, mul2 = y, acc = y, accNoX = y
                    x.withUnsafeBufferPointer { x in
                        e.withUnsafeBufferPointer { e in
                            add.withUnsafeMutableBufferPointer { k.addScaled($0, alpha, x) }
                            mul.withUnsafeMutableBufferPointer { k.multiply($0, by: x) }
                            mul2.withUnsafeMutableBufferPointer { k.multiply($0, by: x, e) }
                            acc.withUnsafeMutableBufferPointer { k.accumulateProduct($0, alpha, x, e) }
                            accNoX.withUnsafeMutableBufferPointer { k.accumulateProduct($0, alpha, nil, e) }
                        }
                    }
                    return add + mul + mul2 + acc + accNoX
                }
                for o in outputs { #expect(identical(o, outputs[0]), "alpha \(alpha) n \(n)") }
                let expected = (0..<n).map { y[$0] + alpha * x[$0] } + (0..<n).map { y[$0] * x[$0] }
                    + (0..<n).map { y[$0] * x[$0] * e[$0] } + (0..<n).map { y[$0] + alpha * x[$0] * e[$0] }
                    + (0..<n).map { y[$0] + alpha * e[$0] }
                #expect(same(outputs[0], expected), "alpha \(alpha) n \(n)")
            }
        }
        // fillRows copies 1, 2, 4, … rows at a time: row counts that are and are not powers of two.
        for (rows, cols) in [(1, 1), (3, 5), (256, 129), (9, 64), (256, 1), (7, 3), (2, 8)] {
            let y = try inputs(rows * cols, seed: UInt64(rows * cols)), v = try inputs(cols, seed: 3)
            let outputs = perLevel { k in
                var added = y, filled = y
                v.withUnsafeBufferPointer { v in
                    added.withUnsafeMutableBufferPointer { k.addRowVector($0, v) }
                    filled.withUnsafeMutableBufferPointer { k.fillRows($0, v) }
                }
                return added + filled
            }
            for o in outputs { #expect(identical(o, outputs[0]), "\(rows)×\(cols)") }
            let expected = (0..<(rows * cols)).map { y[$0] + v[$0 % cols] } + (0..<(rows * cols)).map { v[$0 % cols] }
            #expect(same(outputs[0], expected), "\(rows)×\(cols)")
        }
    }

    /// `NEUROMOD_KERNELS`: a level this CPU has is followed; anything else falls back to the best level
    /// and says why, in one line naming the variable and the levels the CPU offers.
    @Test func theEnvironmentVariableIsReadAndItsErrorsExplained() {
        let all: [KernelLevel] = [.avx512, .avx2, .portable]
        #expect(Kernels.resolve(nil, available: all) == (.avx512, nil))
        #expect(Kernels.resolve("", available: all) == (.avx512, nil))
        #expect(Kernels.resolve("avx2", available: all) == (.avx2, nil))
        #expect(Kernels.resolve("portable", available: [.avx2]) == (.portable, nil), "portable is always offered")
        #expect(Kernels.resolve(nil, available: []) == (.portable, nil))
        #expect(Kernels.resolve("avx512", available: [.avx2, .portable])
                == (.avx2, "NEUROMOD_KERNELS=avx512: this CPU does not support avx512 (it offers avx2, portable)"))
        #expect(Kernels.resolve("avx2", available: [.portable])
                == (.portable, "NEUROMOD_KERNELS=avx2: this CPU does not support avx2 (it offers portable)"))
        #expect(Kernels.resolve("AVX2", available: all)
                == (.avx512, "NEUROMOD_KERNELS=AVX2: not a kernel level (one of portable, avx2, avx512; this CPU offers avx512, avx2, portable)"))
        #expect(Kernels.resolve(" avx2", available: all).problem?.hasPrefix("NEUROMOD_KERNELS= avx2: not a kernel level") == true)
        // This process: the variable (as `swift test` was run) decides, and a bad value is reported, not fatal.
        let variable = ProcessInfo.processInfo.environment["NEUROMOD_KERNELS"]
        let expected = Kernels.resolve(variable, available: Kernels.available)
        #expect(Kernels.selected == expected.level)
        #expect(Kernels.problem == expected.problem)
        #expect(Kernels.forced == (variable.map { KernelLevel(rawValue: $0) != nil } == true && expected.problem == nil))
        #expect(KernelTable.current.level == Kernels.selected)
        #expect(Kernels.summary.hasPrefix("\(Kernels.selected) (this CPU: \(Kernels.available.map(\.rawValue).joined(separator: ", ")))"))
    }
}

/// The Swift loops the kernels replaced, verbatim, as references.
enum SwiftReference {
    static func exp(_ v: Double) -> Double {
        let log2e = 1.4426950408889634, ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
        let roundingMagic = 6_755_399_441_055_744.0, overflowBound = 709.782712893384, normalBound = -708.0
        let x = v > overflowBound ? overflowBound : (v < normalBound ? normalBound : v)
        let shifted = x * log2e + roundingMagic
        let n = shifted - roundingMagic
        let r = (x - n * ln2Hi) - n * ln2Lo
        var p = 1.0 / 6_227_020_800
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let k = shifted.bitPattern &- roundingMagic.bitPattern
        let scale = Double(bitPattern: (k &+ 1022) << 52)
        let result = p * scale * 2
        let high = v > overflowBound ? Double.infinity : result
        let low = v < normalBound ? 0 : high
        return v != v ? v : low
    }

    static func apply(_ activation: Activation, _ z: Double) -> Double {
        switch activation {
        case .linear: return z
        case .sigmoid: return 1 / (1 + exp(z * -1 + 0))
        case .tanh: return Foundation.tanh(z)
        case .relu: return z > 0 ? z : 0
        case .leakyReLU(let slope): return z > 0 ? z : slope * z
        case .softmax: preconditionFailure()
        }
    }

    static func backward(_ activation: Activation, _ g: Double, _ a: Double, _ z: Double) -> Double {
        switch activation {
        case .linear: return g
        case .sigmoid: return g * a * (1 - a)
        case .tanh: return g * (1 - a * a)
        case .relu: return z > 0 ? g : 0
        case .leakyReLU(let slope): return z > 0 ? g : slope * g
        case .softmax: preconditionFailure()
        }
    }

    static func softmax(_ z: [Double], width: Int) -> [Double] {
        var out = z
        for start in stride(from: 0, to: z.count, by: width) {
            var peak = -Double.infinity
            for i in start..<(start + width) { peak = Swift.max(peak, z[i]) }
            for i in start..<(start + width) { out[i] = exp(z[i] * 1 + -peak) }
            var total = 0.0
            for i in start..<(start + width) { total += out[i] }
            for i in start..<(start + width) { out[i] /= total }
        }
        return out
    }

    static func softmaxBackward(_ g: [Double], _ a: [Double], width: Int) -> [Double] {
        var out = g
        for start in stride(from: 0, to: g.count, by: width) {
            var dot = 0.0
            for i in start..<(start + width) { dot += a[i] * g[i] }
            for i in start..<(start + width) { out[i] = a[i] * (g[i] - dot) }
        }
        return out
    }
}
