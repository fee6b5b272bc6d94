/// The plastic parameters of one projection: weights `[post × pre]` (row j holds the synapses
/// onto postsynaptic neuron j, so w[j, i] is the thesis's w_ij from i to j) and biases `[post]`.
public struct LayerParameters: Sendable, Equatable {
    public var weights: Matrix
    public var bias: [Double]

    public init(weights: Matrix, bias: [Double]) {
        precondition(bias.count == weights.rows, "one bias per postsynaptic neuron")
        self.weights = weights
        self.bias = bias
    }

    /// All-zero parameters of the given shape (gradient and update buffers).
    public init(pre: Int, post: Int) {
        self.init(weights: Matrix(rows: post, cols: pre), bias: Array(repeating: 0, count: post))
    }

    /// Number of weights plus biases.
    public var count: Int { weights.storage.count + bias.count }

    /// self ← self + α·other.
    public mutating func add(_ other: LayerParameters, scaledBy alpha: Double) {
        weights.add(other.weights, scaledBy: alpha)
        for j in bias.indices { bias[j] += alpha * other.bias[j] }
    }
}

/// How a projection's initial weights are drawn (biases: see each case).
///
/// | name | weights | biases |
/// |---|---|---|
/// | `uniform` | U(−1/√fan_in, 1/√fan_in) | same (PyTorch's `nn.Linear` default) |
/// | `xavier-normal` | N(0, 2/(fan_in + fan_out)) | 0 |
/// | `kaiming-uniform` | U(−√(6/fan_in), √(6/fan_in)) (ReLU gain √2) | 0 |
///
/// fan_in is the number of presynaptic neurons (also with sparse connectivity).
public enum WeightInitializer: String, Sendable, Equatable, CaseIterable {
    case uniform
    case xavierNormal = "xavier-normal"
    case kaimingUniform = "kaiming-uniform"

    /// Draws parameters for a `pre → post` projection from `rng`.
    public func draw(pre: Int, post: Int, rng: RandomGenerator) -> LayerParameters {
        var p = LayerParameters(pre: pre, post: post)
        let fanIn = Double(max(pre, 1))
        switch self {
        case .uniform:
            let bound = 1 / fanIn.squareRoot()
            rng.fillUniform(&p.weights.storage, low: -bound, high: bound)
            rng.fillUniform(&p.bias, low: -bound, high: bound)
        case .xavierNormal:
            rng.fillGaussian(&p.weights.storage, sigma: (2 / (fanIn + Double(post))).squareRoot())
        case .kaimingUniform:
            let bound = (6 / fanIn).squareRoot()
            rng.fillUniform(&p.weights.storage, low: -bound, high: bound)
        }
        return p
    }
}

/// Which synapses of a projection exist: all (dense), or each independently with probability p.
///
/// Absent synapses hold weight 0 and are never changed: every update is multiplied by the mask.
public struct Connectivity: Sendable, Equatable {
    /// 1 where a synapse exists, 0 where it does not; `[post × pre]`. nil means dense.
    public let mask: Matrix?

    public static let dense = Connectivity(mask: nil)

    init(mask: Matrix?) { self.mask = mask }

    /// Random sparse connectivity: each of the pre × post synapses exists with probability `p`.
    public static func random(pre: Int, post: Int, probability p: Double, rng: RandomGenerator) -> Connectivity {
        if p >= 1 { return .dense }
        var mask = Matrix(rows: post, cols: pre)
        for i in mask.storage.indices { mask.storage[i] = rng.uniform() < p ? 1 : 0 }
        return Connectivity(mask: mask)
    }

    /// Zeroes the entries of `weights` where no synapse exists.
    public func apply(to weights: inout Matrix) {
        guard let mask else { return }
        precondition(mask.rows == weights.rows && mask.cols == weights.cols, "mask shape mismatch")
        weights.storage.withUnsafeMutableBufferPointer { w in
            mask.storage.withUnsafeBufferPointer { m in
                for i in w.indices { w[i] *= m[i] }
            }
        }
    }

    /// Number of existing synapses.
    public func synapseCount(pre: Int, post: Int) -> Int {
        guard let mask else { return pre * post }
        return mask.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    }
}
