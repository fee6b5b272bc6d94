import Foundation
import Testing
@testable import Neuromod

/// The single-precision kernels (the float32 mode, docs/precision.md): the same bits at every level
/// this CPU has, the same bits as the Swift `Float` loops below (each kernel's operation order), the
/// float `exp` within a measured bound of double `exp` rounded to float, and the edges (±0, ±∞, NaN,
/// subnormals, the clamp bounds) and lengths that leave every vector tail (16 floats per AVX-512 vector).
@Suite struct Float32KernelTests {
    let levels = Kernels.available.map { KernelTable(level: $0)! }

    static let edges: [Float] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, -.leastNormalMagnitude, .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 88.72283, Float(88.72283).nextUp, Float(88.72283).nextDown, -86, Float(-86).nextUp,
        Float(-86).nextDown, 87, -87.5, 89, -89, 104, -104, 1e-30, -1e-30, 16.6, -16.6, 0.5,
    ]

    /// `count` values: the edges (cycled), then random ones over [−100, 100], [−20, 20] and [−1, 1].
    func inputs(_ count: Int, seed: UInt64) throws -> [Float] {
        let rng = try RandomGenerator(.taus2, seed: seed)
        return (0..<count).map { i in
            if i < Self.edges.count * 2 { return Self.edges[(i * 7 + Int(seed)) % Self.edges.count] }
            switch i % 3 {
            case 0: return Float(-100 + 200 * rng.uniform())
            case 1: return Float(-20 + 40 * rng.uniform())
            default: return Float(-1 + 2 * rng.uniform())
            }
        }
    }

    /// Every tail of a 16-wide, 4×-unrolled loop, whole blocks of the blocked exp and blocks with
    /// tails (16, 32 and 128 floats at portable, AVX2 and AVX-512), and a large batch.
    static let lengths = Array(0...33) + [63, 65, 127, 128, 129, 255, 257, 256 * 192 + 3]

    static let elementwise: [Activation] = [.linear, .sigmoid, .tanh, .relu, .leakyReLU(slope: 0.01), .leakyReLU(slope: -2.5)]

    @Test func expIsIdenticalAtEveryLevelAndToTheSwiftLoop() throws {
        for n in Self.lengths {
            let x = try inputs(n, seed: UInt64(n) + 1)
            for (sign, shift) in [(Float(1), Float(0)), (-1, 0), (1, -3.5), (-1, 0.25)] {
                let outputs = levels.map { k in
                    var out = [Float](repeating: 0, count: n)
                    x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { k.exp(x, sign: sign, shift: shift, into: $0) } }
                    return out
                }
                for o in outputs { #expect(identical(o, outputs[0]), "n \(n) sign \(sign) shift \(shift)") }
                #expect(same(outputs[0], x.map { FloatReference.exp($0 * sign + shift) }), "n \(n)")
            }
        }
    }

    /// The float exp against double exp rounded to float, over every 127th float of [−86, 88.72283]
    /// (≈ 17 million of the ≈ 2.2 billion) and the edges. Measured maximum: 1 ulp (at −85.99903); the
    /// bound is that measurement (the kernel is deterministic, so any change to it shows).
    @Test func expIsWithinItsMeasuredBoundOfDoubleExp() {
        var worst: Float = 0, worstAt: Float = 0
        var batch = [Float](), out = [Float]()
        batch.reserveCapacity(1 << 16)
        func check() {
            out = [Float](repeating: 0, count: batch.count)
            batch.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { VectorExpFloat.apply(b, into: $0) } }
            for (v, e) in zip(batch, out) {
                let exact = Float(Foundation.exp(Double(v)))
                let ulps = abs(e - exact) / exact.ulp
                if ulps > worst { worst = ulps; worstAt = v }
            }
            batch.removeAll(keepingCapacity: true)
        }
        // Negative floats from −86 towards −0 (bit patterns down to 0x8000_0000), then 0 up to the bound.
        for bits in stride(from: VectorExpFloat.normalBound.bitPattern, through: UInt32(0x8000_0000), by: -Self.sweepStep) {
            batch.append(Float(bitPattern: bits))
            if batch.count == 1 << 16 { check() }
        }
        for bits in stride(from: UInt32(0), through: VectorExpFloat.overflowBound.bitPattern, by: Int(Self.sweepStep)) {
            batch.append(Float(bitPattern: bits))
            if batch.count == 1 << 16 { check() }
        }
        batch += [VectorExpFloat.overflowBound, VectorExpFloat.normalBound, 0, -0.0, 1, -1, 0.5, 1e-30]
        check()
        #expect(worst <= Self.maxULPMeasured, "worst \(worst) ulp at \(worstAt)")
        // Edges: finite at the overflow bound, +∞ above it, 0 below the normal bound, NaN stays NaN.
        let edges: [Float] = [88.72283, Float(88.72283).nextUp, -86, Float(-86).nextDown, .nan, .infinity, -.infinity]
        var e = [Float](repeating: 0, count: edges.count)
        edges.withUnsafeBufferPointer { b in e.withUnsafeMutableBufferPointer { VectorExpFloat.apply(b, into: $0) } }
        #expect(e[0].isFinite && e[0] > 3.4e38)
        #expect(e[1] == .infinity && e[5] == .infinity)
        #expect(e[2] > 4.4e-38 && e[2] < 4.6e-38 && e[2].isNormal)
        #expect(e[3] == 0 && e[6] == 0)
        #expect(e[4].isNaN)
    }

    static let maxULPMeasured: Float = 1
    static let sweepStep = 127

    @Test func activationsAreIdenticalAtEveryLevelAndToTheSwiftLoops() throws {
        for n in Self.lengths {
            let z = try inputs(n, seed: UInt64(n) + 100)
            for activation in Self.elementwise {
                let outputs = levels.map { k in
                    var out = [Float](repeating: 0, count: n)
                    z.withUnsafeBufferPointer { z in out.withUnsafeMutableBufferPointer { k.activate(activation, z, into: $0) } }
                    return out
                }
                for o in outputs { #expect(identical(o, outputs[0]), "\(activation) n \(n)") }
                #expect(same(outputs[0], z.map { FloatReference.apply(activation, $0) }), "\(activation) n \(n)")
            }
        }
    }

    /// The float sigmoid against the double sigmoid (the float32 mode's main source of difference
    /// besides the products): measured at most 2.096 ulp (of the float nearest the double result)
    /// from the unrounded double sigmoid over these 100 000 points of [−20, 20]; bounded at 2.5.
    @Test func sigmoidIsCloseToTheDoubleSigmoid() throws {
        let rng = try RandomGenerator(.taus2, seed: 7)
        let z = (0..<100_000).map { _ in Float(-20 + 40 * rng.uniform()) }
        var out = [Float](repeating: 0, count: z.count)
        z.withUnsafeBufferPointer { z in out.withUnsafeMutableBufferPointer { KernelTable.current.activate(.sigmoid, z, into: $0) } }
        let double = z.map { 1 / (1 + Foundation.exp(-Double($0))) }
        let worst = zip(out, double).map { abs(Double($0) - $1) / Double(Float($1).ulp) }.max()!
        #expect(worst <= 2.5, "worst \(worst) ulp")
    }

    @Test func biasActivationSoftmaxAndBackwardPassesAreIdenticalAtEveryLevel() throws {
        for (rows, cols) in [(1, 1), (3, 7), (5, 17), (256, 129), (4, 16), (2, 300)] {
            let z = try inputs(rows * cols, seed: UInt64(rows * 1000 + cols)), bias = Array(try inputs(cols, seed: UInt64(cols) + 7).reversed())
            let g = try inputs(rows * cols, seed: 17).map { $0.isFinite ? $0 / 1e3 : 0.5 }
            var expectedZ = z
            for r in 0..<rows { for c in 0..<cols { expectedZ[r * cols + c] += bias[c] } }
            for activation in Self.elementwise {
                let expected = expectedZ.map { FloatReference.apply(activation, $0) }
                var first: ([Float], [Float])?
                for k in levels {
                    var zz = z, out = [Float](repeating: 0, count: z.count)
                    bias.withUnsafeBufferPointer { b in
                        zz.withUnsafeMutableBufferPointer { zp in out.withUnsafeMutableBufferPointer { k.biasActivate(activation, zp, bias: b, into: $0) } }
                    }
                    #expect(same(zz, expectedZ) && same(out, expected), "\(activation) \(rows)×\(cols) at \(k.level)")
                    if let first { #expect(identical(zz, first.0) && identical(out, first.1), "\(activation) at \(k.level)") }
                    first = first ?? (zz, out)
                }
            }
            let finite = expectedZ.map { $0.isFinite ? max(-80, min(80, $0)) : 1 }
            let expected = FloatReference.softmax(finite, width: cols)
            let expectedBack = FloatReference.softmaxBackward(g, expected, width: cols)
            var first: ([Float], [Float], [Float])?
            for k in levels {
                var out = [Float](repeating: 0, count: z.count), back = out, added = z
                finite.withUnsafeBufferPointer { zp in out.withUnsafeMutableBufferPointer { k.softmax(zp, width: cols, into: $0) } }
                g.withUnsafeBufferPointer { gp in
                    out.withUnsafeBufferPointer { a in back.withUnsafeMutableBufferPointer { k.softmaxBackward(gradOutput: gp, output: a, width: cols, into: $0) } }
                }
                bias.withUnsafeBufferPointer { b in added.withUnsafeMutableBufferPointer { k.addRowVector($0, b) } }
                #expect(same(out, expected) && same(back, expectedBack) && same(added, expectedZ), "\(rows)×\(cols) at \(k.level)")
                if let first { #expect(identical(out, first.0) && identical(back, first.1) && identical(added, first.2), "\(rows)×\(cols) at \(k.level)") }
                first = first ?? (out, back, added)
            }
        }
    }

    @Test func derivativesAndBackwardPassesAreIdenticalAtEveryLevel() throws {
        for n in Self.lengths {
            let a = try inputs(n, seed: UInt64(n) + 200), z = try inputs(n, seed: UInt64(n) + 300)
            let g = try inputs(n, seed: UInt64(n) + 400), f = try inputs(n, seed: UInt64(n) + 500)
            for activation in Self.elementwise {
                for m in [Float(1), -0.37, 0, .infinity] {
                    let outputs = levels.map { k in
                        var d = [Float](repeating: 0, count: n), b = d, s = d, s1 = d
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
                    // `same`: a NaN's sign may differ between levels in release builds (docs/kernels.md).
                    for o in outputs { #expect(same(o, outputs[0]), "\(activation) m \(m) n \(n)") }
                    let d = (0..<n).map { FloatReference.derivative(activation, a[$0], z[$0]) }
                    let expected = d + (0..<n).map { FloatReference.backward(activation, g[$0], a[$0], z[$0]) }
                        + (0..<n).map { m * d[$0] * f[$0] } + (0..<n).map { m * d[$0] }
                    #expect(same(outputs[0], expected), "\(activation) m \(m) n \(n)")
                }
            }
        }
    }

    /// The backward pass with the bias gradient's column sums (out of place, in place, and from an outer
    /// product) in float: the backward kernel's bits, then the column sums row after row from 0.
    @Test func backwardWithColumnSumsMatchesTheTwoPasses() throws {
        try BackwardColumnSumsCheck<Float>(levels: levels, activations: Self.elementwise, inputs: inputs,
                                           reference: FloatReference.backward) { k, activation, d, w, a, z, o, sums in
            k.backward(activation, outerProductOf: d, w, output: a, preActivation: z, into: o, addingColumnSumsInto: sums)
        }.run(sizes: [(1, 1), (3, 7), (5, 33), (256, 129), (9, 1)])
    }

    @Test func updateLoopsAreIdenticalAtEveryLevel() throws {
        for n in Self.lengths {
            let y = try inputs(n, seed: UInt64(n) + 600), x = try inputs(n, seed: UInt64(n) + 700), e = try inputs(n, seed: UInt64(n) + 800)
            for alpha in [Float(1), -1, 0.3, -0.0] {
                let outputs = levels.map { k in
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
        for (rows, cols) in [(1, 1), (3, 5), (256, 129), (9, 64)] {
            let y = try inputs(rows * cols, seed: UInt64(rows * cols)), v = try inputs(cols, seed: 3)
            let outputs = levels.map { k in
                var filled = y
                v.withUnsafeBufferPointer { v in filled.withUnsafeMutableBufferPointer { k.fillRows($0, v) } }
                return filled
            }
            for o in outputs { #expect(identical(o, outputs[0]), "\(rows)×\(cols)") }
            #expect(identical(outputs[0], (0..<(rows * cols)).map { v[$0 % cols] }), "\(rows)×\(cols)")
        }
    }

    /// GSL's draws are doubles; the float32 mode rounds each to the nearest float, as `Float(x)` does.
    @Test func drawsAreRoundedToNearestFloat() throws {
        let rng = try RandomGenerator(.taus2, seed: 11)
        let x = (0..<(256 * 192 + 3)).map { _ in rng.gaussian(sigma: 1) }
            + [0, -0.0, .infinity, -.infinity, 1e300, -1e300, 1e-300, 3.4028235677973366e38, Double(Float.greatestFiniteMagnitude).nextUp,
               Double(Float.leastNonzeroMagnitude) / 2, Double(Float.leastNonzeroMagnitude) * 0.51, 1 + 0x1p-24, 1 + 0x1p-24 + 0x1p-52]
        let expected = x.map { Float($0) }
        for k in levels {
            var out = [Float](repeating: .nan, count: x.count)
            x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { k.roundToFloat(x, into: $0) } }
            #expect(identical(out, expected), "\(k.level)")
        }
        var nan = [Float](repeating: 0, count: 1)
        [Double.nan].withUnsafeBufferPointer { x in nan.withUnsafeMutableBufferPointer { KernelTable.current.roundToFloat(x, into: $0) } }
        #expect(nan[0].isNaN)
    }
}

/// Swift `Float` loops in each kernel's operation order, as references for the float kernels.
enum FloatReference {
    static func exp(_ v: Float) -> Float {
        let log2e: Float = 1.44269504088896341, ln2Hi: Float = 0.693359375, ln2Lo: Float = -2.12194440e-4
        let magic: Float = 12_582_912, overflowBound: Float = 88.72283, normalBound: Float = -86
        let x = v > overflowBound ? overflowBound : (v < normalBound ? normalBound : v)
        let shifted = x * log2e + magic
        let n = shifted - magic
        let r = (x - n * ln2Hi) - n * ln2Lo
        var p: Float = 1 / 5040
        p = p * r + 1 / 720
        p = p * r + 1 / 120
        p = p * r + 1 / 24
        p = p * r + 1 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let k = Int32(bitPattern: shifted.bitPattern &- magic.bitPattern)
        let scale = Float(bitPattern: UInt32(bitPattern: (k &+ 126) << 23))
        let result = p * scale * 2
        let high = v > overflowBound ? Float.infinity : result
        let low = v < normalBound ? 0 : high
        return v != v ? v : low
    }

    static func apply(_ activation: Activation, _ z: Float) -> Float {
        switch activation {
        case .linear: return z
        case .sigmoid: return 1 / (1 + exp(z * -1 + 0))
        case .tanh: return Foundation.tanhf(z)
        case .relu: return z > 0 ? z : 0
        case .leakyReLU(let slope): return z > 0 ? z : Float(slope) * z
        case .softmax: preconditionFailure()
        }
    }

    static func derivative(_ activation: Activation, _ a: Float, _ z: Float) -> Float {
        switch activation {
        case .linear: return 1
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return z > 0 ? 1 : 0
        case .leakyReLU(let slope): return z > 0 ? 1 : Float(slope)
        case .softmax: preconditionFailure()
        }
    }

    static func backward(_ activation: Activation, _ g: Float, _ a: Float, _ z: Float) -> Float {
        switch activation {
        case .linear: return g
        case .sigmoid: return g * a * (1 - a)
        case .tanh: return g * (1 - a * a)
        case .relu: return z > 0 ? g : 0
        case .leakyReLU(let slope): return z > 0 ? g : Float(slope) * g
        case .softmax: preconditionFailure()
        }
    }

    static func softmax(_ z: [Float], width: Int) -> [Float] {
        var out = z
        for start in stride(from: 0, to: z.count, by: width) {
            var peak = -Float.infinity
            for i in start..<(start + width) { peak = Swift.max(peak, z[i]) }
            for i in start..<(start + width) { out[i] = exp(z[i] * 1 + -peak) }
            var total: Float = 0
            for i in start..<(start + width) { total += out[i] }
            for i in start..<(start + width) { out[i] /= total }
        }
        return out
    }

    static func softmaxBackward(_ g: [Float], _ a: [Float], width: Int) -> [Float] {
        var out = g
        for start in stride(from: 0, to: g.count, by: width) {
            var dot: Float = 0
            for i in start..<(start + width) { dot += a[i] * g[i] }
            for i in start..<(start + width) { out[i] = a[i] * (g[i] - dot) }
        }
        return out
    }
}
