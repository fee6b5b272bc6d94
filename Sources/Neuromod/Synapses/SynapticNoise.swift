import CGSL
import Dispatch

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
    ///
    /// With `threads` > 1 the instances are split into contiguous blocks drawn concurrently; the numbers
    /// do not change, since each instance draws only from its own stream.
    public func draw(for network: Network, batch: Int, streams: InstanceStreams, threads: Int = 1) {
        precondition(streams.count >= batch, "need one stream per instance")
        let sizes = network.layerSizes
        if weights.count != network.depth || weights.first?.rows != batch {
            weights = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0] * sizes[$0 + 1]) }
            biases = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0 + 1]) }
        }
        // Instance n draws, from its own stream and in this order: layer 0 weights, layer 0 biases,
        // layer 1 weights, … Filling buffer by buffer, instances in parallel, keeps that order per stream.
        let workers = max(1, min(threads, batch))
        for l in 0..<network.depth {
            let mask = network.connectivity[l].mask
            let weightWidth = weights[l].cols, biasWidth = biases[l].cols
            weights[l].storage.withUnsafeMutableBufferPointer { buffer in
                RowDraws(base: buffer, width: weightWidth, mask: mask, streams: streams, sigma: sigma,
                         distribution: distribution).draw(batch: batch, workers: workers)
            }
            biases[l].storage.withUnsafeMutableBufferPointer { buffer in
                RowDraws(base: buffer, width: biasWidth, mask: nil, streams: streams, sigma: sigma,
                         distribution: distribution).draw(batch: batch, workers: workers)
            }
        }
    }

    /// One buffer's draws: rows of a row-major buffer belong to different instances, each drawn from
    /// that instance's stream. Rows and streams are disjoint per instance, so blocks of instances may
    /// run on different threads (hence the unchecked sendability).
    private struct RowDraws: @unchecked Sendable {
        let base: UnsafeMutableBufferPointer<Double>
        let width: Int
        let mask: Matrix?
        let streams: InstanceStreams
        let sigma: Double
        let distribution: Distribution

        func draw(instances: Range<Int>) {
            for n in instances {
                let row = UnsafeMutableBufferPointer(rebasing: base[(n * width)..<((n + 1) * width)])
                let rng = streams[n]
                switch distribution {
                case .gaussian: rng.fillGaussian(row, sigma: sigma)
                case .rademacher: for k in row.indices { row[k] = rng.uniform() < 0.5 ? -sigma : sigma }
                }
                if let mask {
                    mask.storage.withUnsafeBufferPointer { m in KernelTable.current.multiply(row, by: m) }
                }
            }
        }

        func draw(batch: Int, workers: Int) {
            if workers == 1 { return draw(instances: 0..<batch) }
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                draw(instances: (batch * w / workers)..<(batch * (w + 1) / workers))
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
