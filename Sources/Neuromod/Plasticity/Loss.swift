import Foundation

/// A per-instance loss L⁽ⁿ⁾ between the network output y⁽ⁿ⁾ and the target t⁽ⁿ⁾; the batch loss is
/// their mean over instances.
///
/// - `mse`: L = (1/K) Σ_k (y_k − t_k)², K outputs (the thesis's per-sample MSE; for K = 1, (y − t)²).
/// - `cross-entropy`: L = −Σ_k t_k ln y_k, for a probability output (a softmax layer); terms with
///   t_k = 0 are skipped, and y_k is taken at least as the smallest positive double (so an output
///   that underflowed to 0 costs about 744, not infinity). With a softmax output layer the gradient is taken through the logits in
///   the stable fused form y − t.
public enum Loss: String, Sendable, Equatable, CaseIterable {
    case meanSquaredError = "mse"
    case crossEntropy = "cross-entropy"

    /// Writes L⁽ⁿ⁾ for every instance into `perInstance` and returns their mean.
    @discardableResult
    public func evaluate(output y: Matrix, target t: Matrix, perInstance: inout [Double]) -> Double {
        precondition(y.rows == t.rows && y.cols == t.cols, "output \(y.rows)×\(y.cols) vs target \(t.rows)×\(t.cols)")
        if perInstance.count != y.rows { perInstance = Array(repeating: 0, count: y.rows) }
        let k = y.cols
        var total = 0.0
        y.storage.withUnsafeBufferPointer { yp in
            t.storage.withUnsafeBufferPointer { tp in
                for n in 0..<y.rows {
                    var l = 0.0
                    switch self {
                    case .meanSquaredError:
                        for c in (n * k)..<((n + 1) * k) { let d = yp[c] - tp[c]; l += d * d }
                        l /= Double(k)
                    case .crossEntropy:
                        for c in (n * k)..<((n + 1) * k) where tp[c] != 0 {
                            l -= tp[c] * Foundation.log(Swift.max(yp[c], Double.leastNonzeroMagnitude))
                        }
                    }
                    perInstance[n] = l
                    total += l
                }
            }
        }
        return y.rows == 0 ? 0 : total / Double(y.rows)
    }

    /// The batch loss (mean over instances).
    public func mean(output: Matrix, target: Matrix) -> Double {
        var scratch: [Double] = []
        return evaluate(output: output, target: target, perInstance: &scratch)
    }

    /// ∂(batch loss)/∂y into `grad` (same shape as the output).
    public func gradient(output y: Matrix, target t: Matrix, into grad: inout Matrix) {
        precondition(grad.rows == y.rows && grad.cols == y.cols)
        let scale = 1 / Double(max(y.rows, 1))
        let k = Double(y.cols)
        for i in y.storage.indices {
            switch self {
            case .meanSquaredError: grad.storage[i] = 2 * (y.storage[i] - t.storage[i]) * scale / k
            case .crossEntropy: grad.storage[i] = t.storage[i] == 0 ? 0 : -t.storage[i] / y.storage[i] * scale
            }
        }
    }
}
