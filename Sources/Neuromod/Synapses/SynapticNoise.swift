import CGSL

/// A per-instance perturbation of every weight and bias: instance n runs with W + s·ε⁽ⁿ⁾, b + s·ε_b⁽ⁿ⁾
/// (s = ``sign``, +1 or −1 for antithetic pairs).
///
/// This is the probe of weight perturbation (thesis Algorithms 1–2), SPSA and evolution strategies:
/// noise that enters at each synapse, independently for every instance. The draws are kept so the
/// learning rule can correlate them with the reward; instance n draws from its own stream, layer by
/// layer, weights before biases. Absent synapses (sparse connectivity) are not perturbed.
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `sigma` | — | scale of the perturbation: the standard deviation (Gaussian) or the step c (Rademacher) |
/// | `distribution` | — | `gaussian`: ε ~ N(0, σ²); `rademacher`: ε = ±σ with probability ½ each |
public final class SynapticNoise {
    public enum Distribution: String, Sendable { case gaussian, rademacher }

    public let sigma: Double
    public let distribution: Distribution
    /// +1 or −1: the sign with which the stored draws are applied in the next forward pass.
    public var sign: Double = 1
    /// Per layer: the draws ε⁽ⁿ⁾ as a `[instances × (post·pre)]` matrix (row n is instance n's W-shaped noise).
    public private(set) var weights: [Matrix] = []
    /// Per layer: the bias draws `[instances × post]`.
    public private(set) var biases: [Matrix] = []

    public init(sigma: Double, distribution: Distribution = .gaussian) {
        self.sigma = sigma
        self.distribution = distribution
    }

    /// Draws new perturbations for `batch` instances of `network` from `streams` (stream n for instance n).
    public func draw(for network: Network, batch: Int, streams: InstanceStreams) {
        precondition(streams.count >= batch, "need one stream per instance")
        let sizes = network.layerSizes
        if weights.count != network.depth || weights.first?.rows != batch {
            weights = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0] * sizes[$0 + 1]) }
            biases = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0 + 1]) }
        }
        for n in 0..<batch {
            let rng = streams[n]
            for l in 0..<network.depth {
                fill(&weights[l], row: n, rng: rng)
                fill(&biases[l], row: n, rng: rng)
                if let mask = network.connectivity[l].mask {
                    let width = weights[l].cols
                    weights[l].storage.withUnsafeMutableBufferPointer { w in
                        for k in 0..<width { w[n * width + k] *= mask.storage[k] }
                    }
                }
            }
        }
    }

    private func fill(_ m: inout Matrix, row n: Int, rng: RandomGenerator) {
        let width = m.cols, sigma = self.sigma
        m.storage.withUnsafeMutableBufferPointer { buffer in
            let slice = UnsafeMutableBufferPointer(rebasing: buffer[(n * width)..<((n + 1) * width)])
            switch distribution {
            case .gaussian: rng.fillGaussian(slice, sigma: sigma)
            case .rademacher: for k in slice.indices { slice[k] = rng.uniform() < 0.5 ? -sigma : sigma }
            }
        }
    }

    /// z⁽ⁿ⁾ += s·(ε⁽ⁿ⁾ x⁽ⁿ⁾ + ε_b⁽ⁿ⁾) for every instance: the perturbed weights' extra drive.
    func addDrive(layer l: Int, presynaptic x: Matrix, into z: inout Matrix) {
        let batch = z.rows, post = z.cols, pre = x.cols, s = sign
        z.add(biases[l], scaledBy: s)
        weights[l].storage.withUnsafeBufferPointer { e in
            x.storage.withUnsafeBufferPointer { xs in
                z.storage.withUnsafeMutableBufferPointer { zs in
                    for n in 0..<batch {
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(post), Int32(pre), s,
                                    e.baseAddress! + n * post * pre, Int32(pre),
                                    xs.baseAddress! + n * pre, 1, 1, zs.baseAddress! + n * post, 1)
                    }
                }
            }
        }
    }
}
