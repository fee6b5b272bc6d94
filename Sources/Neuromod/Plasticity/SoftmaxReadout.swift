import Foundation

/// A plastic softmax readout on top of a fixed hidden layer: logits o = W h + b, z = softmax(o),
/// cross-entropy loss, trained by a local ``ReadoutRule``.
///
/// `parameters.weights` is `[classes × hidden]` (row j holds the links onto output j). Every
/// minibatch update is computed from the parameters as they were at the start of that minibatch.
public struct SoftmaxReadout: Sendable {
    public var parameters: LayerParameters
    public let rule: ReadoutRule
    private var firstMoment: LayerParameters
    private var secondMoment: LayerParameters
    private var adamSteps = 0

    public init(parameters: LayerParameters, rule: ReadoutRule) {
        self.parameters = parameters
        self.rule = rule
        let shape = LayerParameters(pre: parameters.weights.cols, post: parameters.weights.rows)
        firstMoment = shape
        secondMoment = shape
    }

    public var classes: Int { parameters.weights.rows }
    public var hiddenSize: Int { parameters.weights.cols }

    /// Softmax outputs `[samples × classes]` for hidden activity `[samples × hidden]`.
    public func probabilities(_ hidden: Matrix) -> Matrix {
        precondition(hidden.cols == hiddenSize, "readout expects \(hiddenSize) hidden values, got \(hidden.cols)")
        var z = Matrix(rows: hidden.rows, cols: classes)
        Matrix.gemm(hidden, parameters.weights, transB: .transposed, into: &z)
        z.addRowVector(parameters.bias)
        var out = z
        z.storage.withUnsafeBufferPointer { logits in
            out.storage.withUnsafeMutableBufferPointer { Activation.softmax.apply(logits, width: classes, into: $0) }
        }
        return out
    }

    /// The predicted class (the softmax winner, lowest index on ties) of every sample.
    public func predictions(_ hidden: Matrix) -> [Int] {
        let z = probabilities(hidden)
        return (0..<z.rows).map { n in
            var best = 0
            for j in 1..<z.cols where z[n, j] > z[n, best] { best = j }
            return best
        }
    }

    /// One update from the minibatch `hidden` (`[samples × hidden]`) with class `labels`; returns the
    /// minibatch's mean cross-entropy loss before the update.
    @discardableResult
    public mutating func learn(hidden: Matrix, labels: [Int]) -> Double {
        precondition(labels.count == hidden.rows, "one label per sample")
        precondition(labels.allSatisfy { (0..<classes).contains($0) }, "labels must lie in 0..<\(classes)")
        let z = probabilities(hidden)
        var loss = 0.0
        for (n, c) in labels.enumerated() { loss -= log(max(z[n, c], Double.leastNonzeroMagnitude)) }
        loss /= Double(max(labels.count, 1))
        switch rule {
        case .dopaminergic(let dopamine): learnDopaminergic(dopamine, hidden: hidden, z: z, labels: labels)
        case .signSGD(let rate):
            let gradient = crossEntropyGradient(hidden: hidden, z: z, labels: labels, scale: 1)
            func step(_ w: inout Double, _ g: Double) { if g > 0 { w -= rate } else if g < 0 { w += rate } }
            for k in parameters.weights.storage.indices { step(&parameters.weights.storage[k], gradient.weights.storage[k]) }
            for j in parameters.bias.indices { step(&parameters.bias[j], gradient.bias[j]) }
        case .adam(let adam):
            let gradient = crossEntropyGradient(hidden: hidden, z: z, labels: labels, scale: 1 / Double(labels.count))
            adamSteps += 1
            let correction1 = 1 - pow(adam.beta1, Double(adamSteps)), correction2 = 1 - pow(adam.beta2, Double(adamSteps))
            func step(_ w: inout Double, _ m: inout Double, _ v: inout Double, _ g: Double) {
                m = adam.beta1 * m + (1 - adam.beta1) * g
                v = adam.beta2 * v + (1 - adam.beta2) * g * g
                w -= adam.rate * (m / correction1) / ((v / correction2).squareRoot() + adam.epsilon)
            }
            for k in parameters.weights.storage.indices {
                step(&parameters.weights.storage[k], &firstMoment.weights.storage[k], &secondMoment.weights.storage[k],
                     gradient.weights.storage[k])
            }
            for j in parameters.bias.indices {
                step(&parameters.bias[j], &firstMoment.bias[j], &secondMoment.bias[j], gradient.bias[j])
            }
        }
        return loss
    }

    /// scale · Σ_n (z_n − ℓ_n) h_nᵀ and its bias part scale · Σ_n (z_n − ℓ_n) (Lemma 2 of seed 003).
    private func crossEntropyGradient(hidden: Matrix, z: Matrix, labels: [Int], scale: Double) -> LayerParameters {
        var error = z
        for (n, c) in labels.enumerated() { error[n, c] -= 1 }
        var gradient = LayerParameters(pre: hiddenSize, post: classes)
        Matrix.gemm(error, hidden, transA: .transposed, alpha: scale, into: &gradient.weights)
        error.addColumnSums(scaledBy: scale, into: &gradient.bias)
        return gradient
    }

    private mutating func learnDopaminergic(_ rule: DopaminergicRule, hidden: Matrix, z: Matrix, labels: [Int]) {
        var factors = Matrix(rows: hidden.rows, cols: classes)
        z.storage.withUnsafeBufferPointer { zp in
            factors.storage.withUnsafeMutableBufferPointer { fp in
                for (n, c) in labels.enumerated() {
                    let row = UnsafeBufferPointer(rebasing: zp[(n * classes)..<((n + 1) * classes)])
                    rule.dopamineFactors(probabilities: row, label: c, loss: -log(max(row[c], Double.leastNonzeroMagnitude)),
                                         into: UnsafeMutableBufferPointer(rebasing: fp[(n * classes)..<((n + 1) * classes)]))
                }
            }
        }
        guard factors.storage.contains(where: { $0 != 0 }) else { return }
        var fired = hidden
        for k in fired.storage.indices { fired.storage[k] = fired.storage[k] > rule.firingThreshold ? 1 : 0 }
        Matrix.gemm(factors, fired, transA: .transposed, alpha: rule.rate, beta: 1, into: &parameters.weights)
        factors.addColumnSums(scaledBy: rule.rate, into: &parameters.bias)
    }
}
