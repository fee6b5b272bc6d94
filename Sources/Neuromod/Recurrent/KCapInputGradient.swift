import Foundation

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
    /// Every product over the batch is one GEMM (`cblas_dgemm` via ``DenseMatrix/gemm(_:_:transA:transB:alpha:beta:into:)``);
    /// the cap's ties go to the lowest index, as in ``activities(drives:)``.
    public func inputGradient(inputs: Matrix, targets: [Int], loss: KCapLoss) -> KCapInputGradient {
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
