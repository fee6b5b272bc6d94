import Testing
@testable import Neuromod

/// Backprop's float64 backward pass works in place, sums the bias gradient in the backward kernel's
/// pass and makes a one-neuron layer's δ (an outer product) inside that kernel instead of calling
/// `dgemm` with k = 1. These checks hold it to the plain pass it replaced — a GEMM per δ, the backward
/// kernel, then the column sums row after row — bit for bit, on the BLAS core this process runs
/// (`OPENBLAS_CORETYPE`, Haswell in the test environment; the CPU's own core otherwise).
@Suite struct BackpropPassTests {
    /// Values with exact zeros of both signs (so that −0 products occur) among Gaussians.
    static func fill(_ x: inout [Double], rng: RandomGenerator) {
        rng.fillGaussian(&x)
        for i in x.indices where i % 11 == 3 { x[i] = i % 2 == 0 ? 0 : -0.0 }
    }

    /// The reference: the backward pass as Backprop computed it before (δ by GEMM into its own buffer,
    /// the backward kernel, the column sums from 0), for MSE and elementwise layers without noise.
    static func plainPass(network: Network, target: Matrix) -> (gradients: [LayerParameters], gradPre: [Matrix]) {
        let depth = network.depth, batch = target.rows
        var gradients = (0..<depth).map { LayerParameters(pre: network.layerSizes[$0], post: network.layerSizes[$0 + 1]) }
        var gradRates = (0..<depth).map { Matrix(rows: batch, cols: network.layerSizes[$0 + 1]) }
        var gradPre = gradRates
        func backward(_ l: Int) {
            gradRates[l].storage.withUnsafeBufferPointer { g in
                network.rates[l].storage.withUnsafeBufferPointer { a in
                    network.preActivations[l].storage.withUnsafeBufferPointer { z in
                        gradPre[l].storage.withUnsafeMutableBufferPointer { out in
                            KernelTable.current.backward(network.populations[l].activation, gradOutput: g, output: a,
                                                         preActivation: z, into: out)
                        }
                    }
                }
            }
        }
        Loss.meanSquaredError.gradient(output: network.output, target: target, into: &gradRates[depth - 1])
        backward(depth - 1)
        for l in stride(from: depth - 1, through: 0, by: -1) {
            Matrix.gemm(gradPre[l], l == 0 ? network.input : network.rates[l - 1], transA: .transposed, into: &gradients[l].weights)
            network.connectivity[l].apply(to: &gradients[l].weights)
            gradPre[l].addColumnSums(scaledBy: 1, into: &gradients[l].bias)
            if l > 0 {
                Matrix.gemm(gradPre[l], network.parameters[l].weights, into: &gradRates[l - 1])
                backward(l - 1)
            }
        }
        return (gradients, gradPre)
    }

    static func bits(_ p: [LayerParameters]) -> [Double] { p.flatMap { $0.weights.storage + $0.bias } }

    /// Networks with one-neuron layers at the top and inside (k = 1 δ through sigmoid, tanh, ReLU, leaky
    /// ReLU and linear layers), the housing shape, and sparse connectivity (exact zero weights).
    @Test(arguments: [
        ([8, 128, 64, 1], [Activation.sigmoid, .sigmoid, .linear], 1.0),
        ([5, 7, 1, 4, 1], [Activation.tanh, .sigmoid, .relu, .linear], 1.0),
        ([3, 1, 6, 1], [Activation.leakyReLU(slope: 0.1), .linear, .sigmoid], 1.0),
        ([4, 1, 1, 2], [Activation.sigmoid, .tanh, .linear], 0.6),
        ([6, 9, 3], [Activation.relu, .linear], 0.5),
    ])
    func backwardPassMatchesThePlainPassBitForBit(sizes: [Int], activations: [Activation], probability: Double) throws {
        let rng = try RandomGenerator(.mt19937, seed: UInt64(sizes.reduce(0, +)))
        let network = try Network(inputSize: sizes[0],
                                  populations: zip(sizes.dropFirst(), activations).map { Population(size: $0, activation: $1) },
                                  initializer: .xavierNormal, connectionProbability: Array(repeating: probability, count: activations.count),
                                  rng: rng)
        for l in 0..<network.depth { Self.fill(&network.parameters[l].bias, rng: rng) }
        let batch = 37
        var input = Matrix(rows: batch, cols: sizes[0]), target = Matrix(rows: batch, cols: sizes.last!)
        Self.fill(&input.storage, rng: rng)
        Self.fill(&target.storage, rng: rng)
        let backprop = Backprop(loss: .meanSquaredError)
        for step in 0..<3 {  // buffers reused from the second call on
            try backprop.computeGradients(network: network, input: input, target: target)
            let reference = Self.plainPass(network: network, target: target)
            #expect(identical(Self.bits(backprop.gradients), Self.bits(reference.gradients)), "\(sizes) step \(step)")
            #expect(identical(backprop.preActivationGradients.flatMap(\.storage), reference.gradPre.flatMap(\.storage)),
                    "\(sizes) step \(step)")
            for l in 0..<network.depth { network.parameters[l].add(backprop.gradients[l], scaledBy: -0.5) }
        }
    }

    /// The outer-product kernel against `dgemm` with k = 1 itself (linear layer: δ passes unchanged),
    /// zeros of both signs and large and tiny magnitudes included: OpenBLAS's one-term sum is the
    /// rounded product with −0 as +0.
    @Test func outerProductIsDgemmWithOneTerm() throws {
        let rng = try RandomGenerator(.mt19937, seed: 7)
        var zeros: [Double] = [], minusZeroProducts = 0
        for (rows, cols) in [(1, 1), (256, 64), (37, 129), (5, 3)] {
            var d = Matrix(rows: rows, cols: 1), w = Matrix(rows: 1, cols: cols)
            Self.fill(&d.storage, rng: rng)
            Self.fill(&w.storage, rng: rng)
            for i in d.storage.indices where i % 7 == 2 { d.storage[i] *= 1e-160 }
            for i in w.storage.indices where i % 5 == 1 { w.storage[i] *= -1e160 }
            var product = Matrix(rows: rows, cols: cols, value: .nan)
            Matrix.gemm(d, w, into: &product)
            let ones = [Double](repeating: 1, count: rows * cols)
            var out = [Double](repeating: .nan, count: rows * cols), sums = [Double](repeating: 0, count: cols)
            d.storage.withUnsafeBufferPointer { d in
                w.storage.withUnsafeBufferPointer { w in
                    ones.withUnsafeBufferPointer { a in
                        out.withUnsafeMutableBufferPointer { o in
                            sums.withUnsafeMutableBufferPointer {
                                KernelTable.current.backward(.linear, outerProductOf: d, w, output: a, preActivation: a, into: o,
                                                             addingColumnSumsInto: $0)
                            }
                        }
                    }
                }
            }
            #expect(identical(out, product.storage), "\(rows)×\(cols)")
            zeros += product.storage.filter { $0 == 0 }
            minusZeroProducts += d.storage.reduce(0) { n, dr in n + w.storage.count { dr * $0 == 0 && (dr * $0).sign == .minus } }
        }
        #expect(!zeros.isEmpty && zeros.allSatisfy { $0.sign == .plus }, "the inputs make zero products, and dgemm gives them as +0")
        #expect(minusZeroProducts > 0, "some plain products d_r·w_c are −0 (the + 0 matters)")
    }
}
