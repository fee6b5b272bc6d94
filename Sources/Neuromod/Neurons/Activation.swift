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

    /// out ← φ(z), row by row (`width` neurons per instance); `out` may be `z`.
    ///
    /// - Parameters:
    ///   - z: The pre-activations, `[instances × width]` row-major.
    ///   - width: Neurons per instance (softmax normalizes over each row of `width`).
    ///   - out: Receives φ(z); at least `z.count` long.
    public func apply(_ z: UnsafeBufferPointer<Double>, width: Int, into out: UnsafeMutableBufferPointer<Double>) {
        if case .softmax = self {
            guard width > 0 else { return }
            KernelTable.current.softmax(z, width: width, into: out)
        } else {
            KernelTable.current.activate(self, z, into: out)
        }
    }

    /// z ← z + bias (added to every row), then out ← φ(z): ``apply(_:width:into:)`` after a bias add,
    /// in one pass over memory for the elementwise functions. The same bits as the two steps.
    func apply(addingBias bias: UnsafeBufferPointer<Double>, to z: UnsafeMutableBufferPointer<Double>,
               into out: UnsafeMutableBufferPointer<Double>) {
        if case .softmax = self {
            KernelTable.current.addRowVector(z, bias)
            apply(UnsafeBufferPointer(z), width: bias.count, into: out)
        } else {
            KernelTable.current.biasActivate(self, z, bias: bias, into: out)
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
        if case .softmax = self { preconditionFailure("softmax has no elementwise derivative") }
        KernelTable.current.derivatives(self, output: a, preActivation: z, into: g)
    }

    /// Chain rule through φ: gradZ ← (∂a/∂z)ᵀ gradA, row by row.
    public func backward(
        gradOutput gradA: UnsafeBufferPointer<Double>, output a: UnsafeBufferPointer<Double>,
        preActivation z: UnsafeBufferPointer<Double>, width: Int, into gradZ: UnsafeMutableBufferPointer<Double>
    ) {
        if case .softmax = self {
            // (diag(a) − a aᵀ) g = a ⊙ (g − a·g)
            guard width > 0 else { return }
            KernelTable.current.softmaxBackward(gradOutput: gradA, output: a, width: width, into: gradZ)
        } else {
            KernelTable.current.backward(self, gradOutput: gradA, output: a, preActivation: z, into: gradZ)
        }
    }
}
