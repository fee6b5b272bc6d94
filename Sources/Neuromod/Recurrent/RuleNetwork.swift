import Foundation

/// **A plasticity rule given as a small network** (seed 002 §2 "Landscape of rules" (2), A.3): an
/// MLP on the 2T bits of a pair of histories, one hidden layer, scalar output, evaluated over all
/// 4^T patterns into the 2^T × 2^T table r that ``KCapEngine`` runs.
///
///     r[s_pre][s_post] = w₂ · σ(W₁ x + b₁) + b₂,   x = the 2T bits of a = s_pre · 2^T + s_post
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `rounds` T | — | the table is 2^T × 2^T; the input has 2T bits |
/// | `hidden` | 20 | hidden units (A.3; the code's early `LocalNetRuleModel`: 10) |
/// | `activation` σ | relu | `relu` (the code's `Regression`), `tanh` or `sigmoid` (variant 10: unstated in the text) |
/// | `bits` | msb-first | `msb-first`: s_pre then s_post, round 1 first (the text's "concatenation of s1, s2"); `lsb-first`: bit k of a at position k (the code's `convert_to_bits`) |
///
/// Initial parameters as torch's `nn.Linear`: every weight and bias U(−1/√fan_in, 1/√fan_in).
/// The meta-gradient reaches the parameters by the chain rule through the table
/// (``parameterGradient(table:)``). Parameters are stored flat: W₁ (hidden × 2T, row-major), b₁,
/// w₂, b₂.
public struct RuleNetwork: Sendable, Equatable {
    public enum Activation: String, Sendable, Equatable, CaseIterable { case relu, tanh, sigmoid }
    public enum BitOrder: String, Sendable, Equatable, CaseIterable {
        case msbFirst = "msb-first"
        case lsbFirst = "lsb-first"
    }

    public let rounds: Int
    public let hidden: Int
    public let activation: Activation
    public let bits: BitOrder
    /// W₁, b₁, w₂, b₂, flat.
    public var parameters: [Double]

    /// Draws the parameters as torch's `nn.Linear` does (see the type's comment).
    public init(rounds: Int, hidden: Int = 20, activation: Activation = .relu, bits: BitOrder = .msbFirst, rng: RandomGenerator) {
        self.rounds = rounds
        self.hidden = hidden
        self.activation = activation
        self.bits = bits
        let inputs = 2 * rounds, first = 1 / Double(inputs).squareRoot(), second = 1 / Double(hidden).squareRoot()
        let draw = { (bound: Double) in (2 * rng.uniform() - 1) * bound }
        parameters = (0..<(hidden * inputs + hidden)).map { _ in draw(first) } + (0...hidden).map { _ in draw(second) }
    }

    /// The 2T input bits of pattern `a` = s_pre · 2^T + s_post, in the network's bit order.
    public func inputs(pattern a: Int) -> [Double] {
        let width = 2 * rounds
        return (0..<width).map { k in Double((a >> (bits == .msbFirst ? width - 1 - k : k)) & 1) }
    }

    /// r, 2^T × 2^T: the network at every pattern.
    public func table() -> [[Double]] {
        let states = 1 << rounds
        return (0..<states).map { pre in (0..<states).map { post in forward(pre * states + post).output } }
    }

    /// Σ_a g[a] ∂r[a]/∂θ: the gradient with respect to ``parameters`` of a loss whose gradient with
    /// respect to the table is `g` (2^T × 2^T).
    public func parameterGradient(table g: [[Double]]) -> [Double] {
        let width = 2 * rounds, states = 1 << rounds
        var out = [Double](repeating: 0, count: parameters.count)
        let b1 = hidden * width, w2 = b1 + hidden, b2 = w2 + hidden
        for a in 0..<(states * states) {
            let ga = g[a / states][a % states]
            guard ga != 0 else { continue }
            let (x, h, slope, _) = forward(a)
            out[b2] += ga
            for u in 0..<hidden {
                out[w2 + u] += ga * h[u]
                let d = ga * parameters[w2 + u] * slope[u]
                out[b1 + u] += d
                for k in 0..<width { out[u * width + k] += d * x[k] }
            }
        }
        return out
    }

    /// The pass at pattern `a`: inputs, hidden activities, σ′ at each hidden unit, output.
    private func forward(_ a: Int) -> (x: [Double], h: [Double], slope: [Double], output: Double) {
        let width = 2 * rounds, x = inputs(pattern: a)
        let b1 = hidden * width, w2 = b1 + hidden
        var h = [Double](repeating: 0, count: hidden), slope = h, output = parameters[w2 + hidden]
        for u in 0..<hidden {
            var z = parameters[b1 + u]
            for k in 0..<width { z += parameters[u * width + k] * x[k] }
            switch activation {
            case .relu: (h[u], slope[u]) = z > 0 ? (z, 1) : (0, 0)
            case .tanh:
                h[u] = Foundation.tanh(z)
                slope[u] = 1 - h[u] * h[u]
            case .sigmoid:
                h[u] = 1 / (1 + Foundation.exp(-z))
                slope[u] = h[u] * (1 - h[u])
            }
            output += parameters[w2 + u] * h[u]
        }
        return (x, h, slope, output)
    }
}
