import Foundation

/// **The loss an attack descends** (seed 002 §4, A.3; variant 5 of `../shared/seeds/002-SPEC.md`):
/// the cross-entropy of a target class y′ on the readout of a ``KCapNetwork``.
///
/// | case | loss of logits z and target y′ |
/// |---|---|
/// | `ce-logits` | −log softmax(z)_y′ (the text's cross-entropy) |
/// | `ce-double-softmax` | −log softmax(softmax(z))_y′ (the code applies `CrossEntropyLoss` to softmax outputs) |
///
/// The double softmax is bounded (for 10 classes its loss lies in [log(e + 9) − 1, log(e + 9)]) and its
/// gradient vanishes where softmax(z) saturates, so raw-gradient steps on it are tiny: gradient
/// masking (variant 12).
public enum AttackLoss: String, Sendable, Equatable, CaseIterable {
    case ceLogits = "ce-logits"
    case ceDoubleSoftmax = "ce-double-softmax"

    /// The loss of `logits` for `target` and its gradient with respect to the logits (into `gradient`,
    /// same length).
    public func evaluate(_ logits: UnsafeBufferPointer<Double>, target: Int, gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let p = Self.softmax(Array(logits))
        switch self {
        case .ceLogits:
            for c in logits.indices { gradient[c] = p[c] - (c == target ? 1 : 0) }
            return -Foundation.log(max(p[target], .leastNonzeroMagnitude))
        case .ceDoubleSoftmax:
            // L = −log softmax(p)_y′; ∂L/∂p = q − onehot; ∂L/∂z_c = p_c (g_c − Σ_j p_j g_j) (softmax's Jacobian).
            let q = Self.softmax(p)
            let g = q.indices.map { q[$0] - ($0 == target ? 1 : 0) }
            let mean = zip(p, g).reduce(0) { $0 + $1.0 * $1.1 }
            for c in logits.indices { gradient[c] = p[c] * (g[c] - mean) }
            return -Foundation.log(q[target])
        }
    }

    /// softmax(z), shifted by max z (exact up to rounding for any finite z).
    static func softmax(_ z: [Double]) -> [Double] {
        let top = z.max() ?? 0
        let e = z.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}

/// The logits, losses and input gradients of a batch (``KCapNetwork/inputGradient(inputs:targets:loss:)``).
public struct KCapInputGradient: Sendable {
    /// U h_T, rows × classes.
    public var logits: Matrix
    /// The loss of each row for its target.
    public var losses: [Double]
    /// ∂loss_r/∂x_r, rows × inputs.
    public var gradient: Matrix
    /// argmax of each row's logits (lowest index on ties).
    public var predictions: [Int]
}

extension KCapNetwork {
    /// The loss of every row of `inputs` (B × inputs) for its target class and its gradient with
    /// respect to the input x, **straight through the cap**: each round's selection is held fixed
    /// (as ``KCapGradientDescent``'s `gd-full`), so the gradient flows through the units whose
    /// activity h_{t,i} is positive (selected by the cap and with positive drive: ReLU′ · 1[selected]);
    /// the unselected units pass none. Where no cap selection and no ReLU sign changes, the loss is a
    /// smooth function of x and this is its exact gradient (test
    /// `KCapAttackTests.inputGradientMatchesFiniteDifferences`).
    ///
    ///     δ_T = (∂L/∂z U) ⊙ 1[h_T > 0]
    ///     `paper`:  ∂L/∂(A x) = Σ_t δ_t,                         δ_{t−1} = (δ_t Wᵀ) ⊙ 1[h_{t−1} > 0]
    ///     `code`:   ∂L/∂(A x) = δ_1 + Σ_{t≥2} δ_t Wᵀ,            δ_{t−1} = (δ_t Wᵀ) ⊙ 1[h_{t−1} > 0]
    ///     ∂L/∂x = ∂L/∂(A x) A
    ///
    /// (W here is the text's; the network stores it by presynaptic row, so "δ Wᵀ" is `δ · recurrentᵀ`.)
    /// Every product over the batch is one GEMM (`cblas_dgemm` via ``Matrix/gemm(_:_:transA:transB:alpha:beta:into:)``);
    /// the cap's ties go to the lowest index, as in ``activities(drives:)``.
    public func inputGradient(inputs: Matrix, targets: [Int], loss: AttackLoss) -> KCapInputGradient {
        precondition(inputs.cols == configuration.inputs && targets.count == inputs.rows, "inputs \(inputs.rows)×\(inputs.cols), targets \(targets.count)")
        let rounds = activities(drives: drives(inputs)), rows = inputs.rows, classes = configuration.classes
        var logits = Matrix(rows: rows, cols: classes), g = Matrix(rows: rows, cols: classes)
        Matrix.gemm(rounds.last!, readout, transB: .transposed, into: &logits)
        var losses = [Double](repeating: 0, count: rows), predictions = losses.map { _ in 0 }
        logits.storage.withUnsafeBufferPointer { z in
            g.storage.withUnsafeMutableBufferPointer { gp in
                for r in 0..<rows {
                    let zr = UnsafeBufferPointer(rebasing: z[(r * classes)..<((r + 1) * classes)])
                    losses[r] = loss.evaluate(zr, target: targets[r], gradient: UnsafeMutableBufferPointer(rebasing: gp[(r * classes)..<((r + 1) * classes)]))
                    predictions[r] = Self.argmax(zr)
                }
            }
        }
        var gradient = Matrix(rows: rows, cols: configuration.inputs)
        Matrix.gemm(driveGradient(g, rounds: rounds), inputWeights, into: &gradient)
        return KCapInputGradient(logits: logits, losses: losses, gradient: gradient, predictions: predictions)
    }

    /// ∂L/∂(A x) (B × nodes) from ∂L/∂logits `g` (B × classes), straight through the cap (see
    /// ``inputGradient(inputs:targets:loss:)``).
    private func driveGradient(_ g: Matrix, rounds: [Matrix]) -> Matrix {
        let n = configuration.nodes
        var delta = Matrix(rows: g.rows, cols: n)
        Matrix.gemm(g, readout, into: &delta)
        // `paper` with W = 0: the rounds repeat the first and W passes nothing back.
        let silent = recurrent.storage.allSatisfy { $0 == 0 }
        var total = Matrix(rows: g.rows, cols: n)
        for t in stride(from: rounds.count, through: 1, by: -1) {
            Self.keepActive(&delta, rounds[t - 1])
            if configuration.recurrence == .paper || t == 1 { total.add(delta) }
            guard t > 1, !silent else { break }
            var back = Matrix(rows: g.rows, cols: n)
            Matrix.gemm(delta, recurrent, transB: .transposed, into: &back)
            if configuration.recurrence == .code { total.add(back) }
            delta = back
        }
        return total
    }

    /// δ ← δ ⊙ 1[h > 0] (same shape).
    private static func keepActive(_ delta: inout Matrix, _ h: Matrix) {
        delta.storage.withUnsafeMutableBufferPointer { d in
            h.storage.withUnsafeBufferPointer { h in for e in d.indices where !(h[e] > 0) { d[e] = 0 } }
        }
    }
}
