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
    /// Per layer (Gaussian only): the draws ε⁽ⁿ⁾ as a `[instances × (post·pre)]` matrix.
    private var gaussianWeights: [Matrix] = []
    /// Per layer (Rademacher only): the weight signs ε⁽ⁿ⁾ = ±σ as bits, `[instances × words]` with
    /// ``signWords``[l] words per instance; instance n's sign of weight (j, i) is bit t mod 64 of word
    /// ⌊t / 64⌋ of its row, t = j·pre + i (1: +σ, 0: −σ). Absent synapses keep a bit but are not
    /// perturbed (their ε is 0, see ``weights``).
    public private(set) var signs: [[UInt64]] = []
    /// Per layer: the words of one instance's signs, ⌈post·pre / 64⌉.
    public private(set) var signWords: [Int] = []
    /// Per layer: the connectivity mask the last draw was made for (nil: dense).
    private(set) var masks: [Matrix?] = []
    /// Per layer: the bias draws `[instances × post]` (Rademacher: ±σ, from the same sign draw).
    public private(set) var biases: [Matrix] = []

    /// Per layer: the weight draws ε⁽ⁿ⁾ as a `[instances × (post·pre)]` matrix (row n is instance n's
    /// W-shaped noise; 0 at absent synapses). Rademacher draws are held as bits (``signs``) and
    /// materialized here on every call (a copy, 8 bytes per draw): read it for inspection, not in loops.
    public var weights: [Matrix] {
        guard distribution == .rademacher else { return gaussianWeights }
        return (0..<signs.count).map { l in
            let batch = biases[l].rows, width = biases[l].cols * preSizes[l]
            var m = Matrix(rows: batch, cols: width)
            for n in 0..<batch { for k in 0..<width { m[n, k] = weightDraw(layer: l, instance: n, index: k) } }
            return m
        }
    }

    /// Per layer: the presynaptic width of the projection.
    private var preSizes: [Int] = []

    public init(sigma: Double, distribution: Distribution = .gaussian) {
        self.sigma = sigma
        self.distribution = distribution
    }

    /// Instance n's draw for weight k = j·pre + i of projection l (ε_ji, 0 at an absent synapse).
    func weightDraw(layer l: Int, instance n: Int, index k: Int) -> Double {
        switch distribution {
        case .gaussian: return gaussianWeights[l][n, k]
        case .rademacher:
            let word = signs[l][n * signWords[l] + k / 64]
            let e = (word >> UInt64(k % 64)) & 1 == 1 ? sigma : -sigma
            return masks[l].map { e * $0.storage[k] } ?? e
        }
    }

    /// Draws new perturbations for `batch` instances of `network` from `streams` (stream n for instance n).
    ///
    /// Instance n draws from its own stream, in this order: layer 0 weights, layer 0 biases, layer 1
    /// weights, … Gaussian: `fillGaussian` per buffer. Rademacher: one ``RandomGenerator/fillSignBits(_:count:)``
    /// call per weight buffer (post·pre signs, kept as bits) and one `RandomGenerator.fillRademacher(_:scale:)`
    /// per bias buffer (post signs).
    ///
    /// With `threads` > 1 the instances are split into contiguous blocks drawn concurrently; the numbers
    /// do not change, since each instance draws only from its own stream.
    public func draw(for network: Network, batch: Int, streams: InstanceStreams, threads: Int = 1) {
        precondition(streams.count >= batch, "need one stream per instance")
        let sizes = network.layerSizes
        if biases.count != network.depth || biases[0].rows != batch {
            biases = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0 + 1]) }
            preSizes = Array(sizes.dropLast())
            switch distribution {
            case .gaussian: gaussianWeights = (0..<network.depth).map { Matrix(rows: batch, cols: sizes[$0] * sizes[$0 + 1]) }
            case .rademacher:
                signWords = (0..<network.depth).map { (sizes[$0] * sizes[$0 + 1] + 63) / 64 }
                signs = signWords.map { Array(repeating: 0, count: batch * $0) }
            }
            masks = network.connectivity.map(\.mask)
        }
        let workers = max(1, min(threads, batch))
        // Filling buffer by buffer, instances in parallel, keeps each stream's order (every call starts
        // on a fresh raw draw, so signs do not depend on how calls interleave across streams).
        if distribution == .rademacher {
            for l in 0..<network.depth {
                let words = signWords[l], count = sizes[l] * sizes[l + 1], biasWidth = biases[l].cols
                signs[l].withUnsafeMutableBufferPointer { bits in
                    biases[l].storage.withUnsafeMutableBufferPointer { bias in
                        SignDraws(signs: bits.baseAddress!, words: words, count: count, biases: bias.baseAddress!,
                                  biasWidth: biasWidth, streams: streams, sigma: sigma).draw(batch: batch, workers: workers)
                    }
                }
            }
            return
        }
        // Filling buffer by buffer, instances in parallel, keeps each stream's order.
        for l in 0..<network.depth {
            let mask = network.connectivity[l].mask
            let weightWidth = gaussianWeights[l].cols, biasWidth = biases[l].cols
            gaussianWeights[l].storage.withUnsafeMutableBufferPointer { buffer in
                GaussianRowDraws(base: buffer, width: weightWidth, mask: mask, streams: streams, sigma: sigma).draw(batch: batch, workers: workers)
            }
            biases[l].storage.withUnsafeMutableBufferPointer { buffer in
                GaussianRowDraws(base: buffer, width: biasWidth, mask: nil, streams: streams, sigma: sigma).draw(batch: batch, workers: workers)
            }
        }
    }

    /// One layer's Rademacher draws for blocks of instances: instance n, from its own stream, draws the
    /// weights' signs (one ``RandomGenerator/fillSignBits(_:count:)`` call) and then the biases (one
    /// `RandomGenerator.fillRademacher(_:scale:)` call). Rows are disjoint per instance (hence the
    /// unchecked sendability).
    private struct SignDraws: @unchecked Sendable {
        let signs: UnsafeMutablePointer<UInt64>
        let words: Int
        let count: Int
        let biases: UnsafeMutablePointer<Double>
        let biasWidth: Int
        let streams: InstanceStreams
        let sigma: Double

        func draw(instances: Range<Int>) {
            for n in instances {
                let rng = streams[n]
                rng.fillSignBits(UnsafeMutableBufferPointer(start: signs + n * words, count: words), count: count)
                rng.fillRademacher(UnsafeMutableBufferPointer(start: biases + n * biasWidth, count: biasWidth), scale: sigma)
            }
        }

        func draw(batch: Int, workers: Int) {
            // One worker draws here, without forming the escaping closure (its context is an allocation).
            if workers == 1 { return draw(instances: 0..<batch) }
            drawInBlocks(batch: batch, workers: workers) { draw(instances: $1) }
        }
    }

    /// z⁽ⁿ⁾ += s·(ε⁽ⁿ⁾ x⁽ⁿ⁾ + ε_b⁽ⁿ⁾) for every instance: the perturbed weights' extra drive.
    ///
    /// Gaussian: one GEMV per instance over the stored draws. Rademacher: from the bits, z_j += (s·σ)·t_j
    /// with t_j = Σ_i ±x_i (times the mask) summed in the order of `RademacherKernels.signedSum`.
    func addDrive(layer l: Int, presynaptic x: Matrix, into z: inout Matrix) {
        let batch = z.rows, post = z.cols, pre = x.cols, s = sign
        z.add(biases[l], scaledBy: s)
        if distribution == .rademacher {
            let words = signWords[l], scale = s * sigma
            let table = RademacherKernels.table
            do {
                signs[l].withUnsafeBufferPointer { bits in
                    x.storage.withUnsafeBufferPointer { xs in
                        z.storage.withUnsafeMutableBufferPointer { zs in
                            withOptionalPointer(masks[l]) { mask in
                                for n in 0..<batch {
                                    let row = bits.baseAddress! + n * words, xn = xs.baseAddress! + n * pre
                                    for j in 0..<post {
                                        let t = RademacherKernels.signedSum(row, bitOffset: j * pre, xn, count: pre,
                                                                            mask: mask.map { $0 + j * pre }, table: table)
                                        zs[n * post + j] += scale * t
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return
        }
        gaussianWeights[l].storage.withUnsafeBufferPointer { e in
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

/// One buffer's Gaussian draws in one precision: rows of a row-major `[instances × width]` buffer
/// belong to different instances, each filled from that instance's stream
/// (``NeuromodScalar/fillGaussian(_:from:sigma:)``), then multiplied by `mask` if there is one
/// (float64 only: the float32 mode refuses sparse projections). Rows and streams are disjoint per
/// instance, so blocks of instances may run on different threads (hence the unchecked sendability).
struct GaussianRowDraws<Scalar: NeuromodScalar>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Scalar>
    let width: Int
    let mask: Matrix?
    let streams: InstanceStreams
    let sigma: Double

    func draw(instances: Range<Int>) {
        for n in instances {
            let row = UnsafeMutableBufferPointer(rebasing: base[(n * width)..<((n + 1) * width)])
            Scalar.fillGaussian(row, from: streams[n], sigma: sigma)
            if let mask {
                precondition(Scalar.self == Double.self, "a synaptic mask needs float64 draws")
                let doubles = UnsafeMutableRawBufferPointer(row).bindMemory(to: Double.self)
                mask.storage.withUnsafeBufferPointer { m in KernelTable.current.multiply(doubles, by: m) }
            }
        }
    }

    func draw(batch: Int, workers: Int) {
        // One worker draws here, without forming the escaping closure (its context is an allocation).
        if workers == 1 { return draw(instances: 0..<batch) }
        drawInBlocks(batch: batch, workers: workers) { draw(instances: $1) }
    }
}

/// Runs `draw(w, block)` over `workers` contiguous blocks of instances 0..<`batch` (worker w gets
/// block w), block 0 on the calling thread and the others as asynchronous blocks on the global queue,
/// and waits for all of them. Not
/// `DispatchQueue.concurrentPerform`: libdispatch runs a `concurrentPerform` nested in another one
/// (`parallelMap`'s workers: a study's runs side by side) on fewer threads, so a run left alone at
/// the end of a method could not draw on the core the finished runs left idle.
func drawInBlocks(batch: Int, workers: Int, _ draw: @escaping @Sendable (Int, Range<Int>) -> Void) {
    let group = DispatchGroup()
    for w in 1..<workers {
        DispatchQueue.global().async(group: group) { draw(w, (batch * w / workers)..<(batch * (w + 1) / workers)) }
    }
    draw(0, 0..<(batch / workers))
    group.wait()
}

/// The mask's storage pointer (nil for a dense projection), valid inside `body`.
func withOptionalPointer<R>(_ mask: Matrix?, _ body: (UnsafePointer<Double>?) -> R) -> R {
    guard let mask else { return body(nil) }
    return mask.storage.withUnsafeBufferPointer { body($0.baseAddress!) }
}
