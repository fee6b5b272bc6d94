import Foundation

/// A rate neuron's transfer function φ, applied to a batch `[instances × neurons]` of pre-activations.
///
/// | name | φ(z) | φ′ as a function of the output a |
/// |---|---|---|
/// | `linear` | z | 1 |
/// | `sigmoid` | 1/(1+e^(−z)) | a(1 − a) (the thesis's g(a)) |
/// | `tanh` | tanh z | 1 − a² |
/// | `relu` | max(0, z) | 1[z > 0] |
/// | `leakyReLU(slope)` | z if z > 0 else slope·z | 1 or slope |
/// | `softmax` | e^(z_j) / Σ_k e^(z_k) over a row | Jacobian diag(a) − a aᵀ (not elementwise) |
///
/// Softmax couples the neurons of one instance, so it has no elementwise derivative; use
/// ``backward(gradOutput:output:preActivation:width:into:)`` for gradients.
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    case linear
    case sigmoid
    case tanh
    case relu
    case leakyReLU(slope: Double)
    case softmax

    /// Parses the spec names `linear`, `sigmoid`, `tanh`, `relu`, `leaky-relu` (slope 0.01; or
    /// `leaky-relu(0.1)`), `softmax`.
    public init?(name: String) {
        switch name {
        case "linear": self = .linear
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "leaky-relu": self = .leakyReLU(slope: 0.01)
        case "softmax": self = .softmax
        default:
            guard name.hasPrefix("leaky-relu("), name.hasSuffix(")"),
                  let slope = Double(name.dropFirst("leaky-relu(".count).dropLast()) else { return nil }
            self = .leakyReLU(slope: slope)
        }
    }

    public var description: String {
        switch self {
        case .linear: return "linear"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .relu: return "relu"
        case .leakyReLU(let slope): return slope == 0.01 ? "leaky-relu" : "leaky-relu(\(slope))"
        case .softmax: return "softmax"
        }
    }

    /// out ← φ(z), row by row (`width` neurons per instance).
    public func apply(_ z: UnsafeBufferPointer<Double>, width: Int, into out: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .linear:
            for i in z.indices { out[i] = z[i] }
        case .sigmoid:
            VectorExp.apply(z, sign: -1, into: out)
            for i in z.indices { out[i] = 1 / (1 + out[i]) }
        case .tanh:
            for i in z.indices { out[i] = Foundation.tanh(z[i]) }
        case .relu:
            for i in z.indices { out[i] = z[i] > 0 ? z[i] : 0 }
        case .leakyReLU(let slope):
            for i in z.indices { out[i] = z[i] > 0 ? z[i] : slope * z[i] }
        case .softmax:
            guard width > 0 else { return }
            for start in stride(from: 0, to: z.count, by: width) {
                var peak = -Double.infinity
                for i in start..<(start + width) { peak = Swift.max(peak, z[i]) }
                VectorExp.apply(UnsafeBufferPointer(rebasing: z[start..<(start + width)]), shift: -peak,
                                into: UnsafeMutableBufferPointer(rebasing: out[start..<(start + width)]))
                var total = 0.0
                for i in start..<(start + width) { total += out[i] }
                for i in start..<(start + width) { out[i] /= total }
            }
        }
    }

    /// The elementwise sensitivity g = φ′ expressed through the output `a` and pre-activation `z`
    /// (nil for softmax, whose derivative is a Jacobian).
    @inline(__always)
    public func derivative(output a: Double, preActivation z: Double) -> Double? {
        switch self {
        case .linear: return 1
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return z > 0 ? 1 : 0
        case .leakyReLU(let slope): return z > 0 ? 1 : slope
        case .softmax: return nil
        }
    }

    /// g = φ′ for every element (outputs `a`, pre-activations `z`), with one dispatch on the
    /// function; the same values as ``derivative(output:preActivation:)``. Softmax: not elementwise.
    public func derivatives(output a: UnsafeBufferPointer<Double>, preActivation z: UnsafeBufferPointer<Double>,
                            into g: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .linear: g.update(repeating: 1)
        case .sigmoid: for k in g.indices { g[k] = a[k] * (1 - a[k]) }
        case .tanh: for k in g.indices { g[k] = 1 - a[k] * a[k] }
        case .relu: for k in g.indices { g[k] = z[k] > 0 ? 1 : 0 }
        case .leakyReLU(let slope): for k in g.indices { g[k] = z[k] > 0 ? 1 : slope }
        case .softmax: preconditionFailure("softmax has no elementwise derivative")
        }
    }

    /// Chain rule through φ: gradZ ← (∂a/∂z)ᵀ gradA, row by row.
    public func backward(
        gradOutput gradA: UnsafeBufferPointer<Double>, output a: UnsafeBufferPointer<Double>,
        preActivation z: UnsafeBufferPointer<Double>, width: Int, into gradZ: UnsafeMutableBufferPointer<Double>
    ) {
        switch self {
        case .linear:
            for i in gradA.indices { gradZ[i] = gradA[i] }
        case .sigmoid:
            for i in gradA.indices { gradZ[i] = gradA[i] * a[i] * (1 - a[i]) }
        case .tanh:
            for i in gradA.indices { gradZ[i] = gradA[i] * (1 - a[i] * a[i]) }
        case .relu:
            for i in gradA.indices { gradZ[i] = z[i] > 0 ? gradA[i] : 0 }
        case .leakyReLU(let slope):
            for i in gradA.indices { gradZ[i] = z[i] > 0 ? gradA[i] : slope * gradA[i] }
        case .softmax:
            // (diag(a) − a aᵀ) g = a ⊙ (g − a·g)
            guard width > 0 else { return }
            for start in stride(from: 0, to: gradA.count, by: width) {
                var dot = 0.0
                for i in start..<(start + width) { dot += a[i] * gradA[i] }
                for i in start..<(start + width) { gradZ[i] = a[i] * (gradA[i] - dot) }
            }
        }
    }
}
