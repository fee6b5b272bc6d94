import Foundation

/// The network of neural net evolution on images (seed 003, §3.1): inputs → ReLU hidden layer
/// (each input–hidden link present with probability `inputDensity`) → softmax, no biases, whose
/// link weights are a sparse linear function of a genotype: w = s ⊙ (G x).
///
/// G (`links × genes`) has entries uniform in [−1, 1] with probability β and stays sparse. Links are
/// numbered input–hidden first (hidden neuron by hidden neuron, inputs in order), then hidden–output
/// (output by output). The seed does not state a weight scale; each layer's weights are multiplied
/// by s = √(12 / (fan_in · n · β)), which gives them Kaiming's variance 2/fan_in when every allele
/// frequency is 1/2 (Var(Gx)ᵢ = nβ · 1/3 · 1/2).
public struct GeneticNetwork: Sendable {
    public let inputs: Int
    public let hidden: Int
    public let classes: Int
    /// For each hidden neuron, the inputs it is linked to.
    public let inputLinks: [[Int32]]
    public let generation: SparseMatrix
    public let hiddenScale: Double
    public let outputScale: Double

    /// Draws the input–hidden links and then G from `rng`.
    public init(inputs: Int, hidden: Int, classes: Int, inputDensity: Double, genes: Int, geneDensity beta: Double,
                rng: RandomGenerator) {
        precondition(inputDensity > 0 && inputDensity <= 1, "input density must lie in (0, 1]")
        self.inputs = inputs
        self.hidden = hidden
        self.classes = classes
        inputLinks = (0..<hidden).map { _ in (0..<inputs).compactMap { rng.uniform() < inputDensity ? Int32($0) : nil } }
        let links = inputLinks.reduce(0) { $0 + $1.count } + hidden * classes
        generation = SparseMatrix.random(rows: links, cols: genes, density: beta, rng: rng) { 2 * $0.uniform() - 1 }
        hiddenScale = (12 / (Double(inputs) * inputDensity * Double(genes) * beta)).squareRoot()
        outputScale = (12 / (Double(hidden) * Double(genes) * beta)).squareRoot()
    }

    public var genes: Int { generation.cols }

    /// The input–hidden weights `[hidden × inputs]` (absent links are 0) and hidden–output weights
    /// `[classes × hidden]` of a genotype.
    public func weights(genotype: [UInt8]) -> (hidden: Matrix, output: Matrix) {
        var linkWeights = [Double](repeating: 0, count: generation.rows)
        linkWeights.withUnsafeMutableBufferPointer { generation.multiply(genotype: genotype, into: $0) }
        return layers(linkWeights)
    }

    /// The weights of the expected genotype under `alleles`: s ⊙ (G p).
    public func expectedWeights(_ alleles: AlleleFrequencies) -> (hidden: Matrix, output: Matrix) {
        layers(generation.multiply(alleles.p))
    }

    private func layers(_ linkWeights: [Double]) -> (hidden: Matrix, output: Matrix) {
        var first = Matrix(rows: hidden, cols: inputs)
        var k = 0
        for (j, links) in inputLinks.enumerated() {
            for i in links {
                first[j, Int(i)] = hiddenScale * linkWeights[k]
                k += 1
            }
        }
        var second = Matrix(rows: classes, cols: hidden)
        for c in 0..<(classes * hidden) { second.storage[c] = outputScale * linkWeights[k + c] }
        return (first, second)
    }

    /// ReLU activity `[samples × hidden]` of the hidden layer.
    public static func hiddenActivity(_ inputs: Matrix, weights: Matrix) -> Matrix {
        var h = Matrix(rows: inputs.rows, cols: weights.rows)
        Matrix.gemm(inputs, weights, transB: .transposed, into: &h)
        h.storage.withUnsafeMutableBufferPointer { p in
            for k in p.indices where p[k] < 0 { p[k] = 0 }
        }
        return h
    }

    /// Cross-entropy loss of every sample, and how many samples the network classifies correctly.
    public static func evaluate(hidden h: Matrix, output: Matrix, labels: [Int]) -> (losses: [Double], correct: Int) {
        var logits = Matrix(rows: h.rows, cols: output.rows)
        Matrix.gemm(h, output, transB: .transposed, into: &logits)
        var losses = [Double](repeating: 0, count: labels.count), correct = 0
        for (n, label) in labels.enumerated() {
            var peak = -Double.infinity, best = 0
            for c in 0..<logits.cols where logits[n, c] > peak { peak = logits[n, c]; best = c }
            var total = 0.0
            for c in 0..<logits.cols { total += exp(logits[n, c] - peak) }
            losses[n] = log(total) - (logits[n, label] - peak)
            if best == label { correct += 1 }
        }
        return (losses, correct)
    }

    /// The seed's fitness δ_x = mean over samples of max(0, α² − L), α = ln(classes): how much better
    /// than a uniform guess (loss α) the genotype does, never negative.
    public static func fitness(losses: [Double], classes: Int) -> Double {
        let alpha = log(Double(classes))
        return losses.reduce(0) { $0 + max(0, alpha * alpha - $1) } / Double(max(losses.count, 1))
    }
}
