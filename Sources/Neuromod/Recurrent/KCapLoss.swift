import Foundation

/// **The loss on a k-cap network's readout** (seed 002, A.1 "GD to learn a rule", step 3; variant 5
/// of the spec): the cross-entropy of one example's logits z = U h_T against its label y — the
/// meta-loss of ``RuleMetaGradient``, and the loss an attack (``TargetedAttack``) descends for a
/// target y′ (§4, A.3).
///
/// | case | loss | note |
/// |---|---|---|
/// | `ce-logits` | −log softmax(z)_y | the text's "cross entropy loss" |
/// | `ce-double-softmax` | −log softmax(p)_y with p = softmax(z) | the authors' code: `CrossEntropyLoss` applied to the softmax outputs of `get_output` |
///
/// Gradients: `ce-logits` ∂L/∂z = q − e_y with q = softmax(z); `ce-double-softmax` with
/// g = softmax(p) − e_y, ∂L/∂z_j = p_j (g_j − Σ_c g_c p_c). Both are smooth in z. The double
/// softmax is bounded (for 10 classes its loss lies in [log(e + 9) − 1, log(e + 9)]) and its
/// gradient vanishes where softmax(z) saturates, so raw-gradient attack steps on it are tiny:
/// gradient masking (variant 12).
public enum KCapLoss: String, Sendable, Equatable, CaseIterable {
    case ceLogits = "ce-logits"
    case ceDoubleSoftmax = "ce-double-softmax"

    /// The loss of one row of logits and, written into `gradient` (same length), ∂L/∂z.
    public func evaluate(_ z: [Double], label: Int, gradient: inout [Double]) -> Double {
        z.withUnsafeBufferPointer { zs in
            gradient.withUnsafeMutableBufferPointer { evaluate(zs, target: label, gradient: $0) }
        }
    }

    /// The loss of `logits` for class `target` and, written into `gradient` (same length), ∂L/∂z.
    public func evaluate(_ logits: UnsafeBufferPointer<Double>, target: Int, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let p = Self.softmax(Array(logits))
        switch self {
        case .ceLogits:
            for c in logits.indices { gradient[c] = p[c] - (c == target ? 1 : 0) }
            return -Foundation.log(max(p[target], .leastNonzeroMagnitude))
        case .ceDoubleSoftmax:
            let q = Self.softmax(p)
            let g = q.indices.map { q[$0] - ($0 == target ? 1 : 0) }
            let mean = zip(g, p).reduce(0) { $0 + $1.0 * $1.1 }
            for c in logits.indices { gradient[c] = p[c] * (g[c] - mean) }
            return -Foundation.log(q[target])
        }
    }

    /// The loss of `logits` for class `target` alone, computed stably: `ce-logits` as
    /// log Σ_c exp(z_c − max z) + max z − z_y, which stays finite and keeps its differences where
    /// softmax(z)_y underflows (``evaluate(_:target:gradient:)`` clamps its value there; both agree
    /// elsewhere to rounding). The loss an SPSA attack differences (``SPSAGradient``).
    ///
    /// - Parameters:
    ///   - logits: z, one entry per class.
    ///   - target: the class y′ whose cross-entropy is returned, in `0..<logits.count`.
    /// - Returns: the loss (nats, ≥ 0).
    public func value(_ logits: UnsafeBufferPointer<Double>, target: Int) -> Double {
        switch self {
        case .ceLogits:
            let top = logits.max() ?? 0
            return Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) }) + top - logits[target]
        case .ceDoubleSoftmax:
            return -Foundation.log(Self.softmax(Self.softmax(Array(logits)))[target])
        }
    }

    /// softmax(z), shifted by max z.
    static func softmax(_ z: [Double]) -> [Double] {
        let top = z.max() ?? 0
        let e = z.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}
