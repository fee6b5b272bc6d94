/// Errors in building or driving a network: the message names the layer and what was expected.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    case invalidSize(layer: Int, size: Int)
    case invalidProbability(layer: Int, value: Double)
    case invalidNoise(layer: Int, sigma: Double)
    case invalidLeak(layer: Int, steps: Double)
    case shapeMismatch(what: String, expected: String, got: String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidSize(let l, let s): return "layer \(l): size must be a positive integer, got \(s)"
        case .invalidProbability(let l, let p): return "layer \(l): connection probability must be in (0, 1], got \(p)"
        case .invalidNoise(let l, let s): return "layer \(l): noise sigma must be finite and ≥ 0, got \(s)"
        case .invalidLeak(let l, let t): return "layer \(l): leak time constant must be > 0 steps, got \(t)"
        case .shapeMismatch(let what, let e, let g): return "\(what): expected \(e), got \(g)"
        case .unsupported(let why): return why
        }
    }
}

/// A learning rule's perturbation of one forward pass (what a ``Probe`` draws, applied).
public enum PassPerturbation {
    /// Every weight and bias perturbed per instance by the stored draws (weight perturbation).
    case synapses(SynapticNoise)
    /// N(0, σ²) added to every neuron, per instance, from the given streams: to its rate after the
    /// transfer function (`output`, thesis Algorithm 3's noisy pass) or to its pre-activation;
    /// later layers receive the noisy rates.
    case nodes(sigma: Double, site: NoiseSite, streams: InstanceStreams)
}

/// A layered network of rate-neuron populations joined by projections, simulated in batches.
///
/// Layer ℓ = 1…L receives a projection from layer ℓ−1 (layer 0 is the input). State is batched:
/// every matrix is `[instances × neurons]` and each instance draws its intrinsic noise from its own
/// stream, so results do not depend on how instances are spread over threads. One call to
/// ``forward(_:streams:probe:)`` advances every population by one step (for populations without leak, that
/// is one feedforward pass). Buffers are allocated when the batch size changes and reused otherwise.
public final class Network {
    public let inputSize: Int
    public let populations: [Population]
    public let connectivity: [Connectivity]
    /// Weights and biases, one entry per projection (index ℓ−1 feeds layer ℓ).
    public var parameters: [LayerParameters]

    /// The last step's input `[instances × inputSize]`.
    public private(set) var input = Matrix(rows: 0, cols: 0)
    /// The last step's pre-activations z_ℓ (including pre-activation noise, if any).
    public private(set) var preActivations: [Matrix]
    /// The last step's rates r_ℓ (including output noise, if any); `rates.last` is the network output.
    public private(set) var rates: [Matrix]
    /// The noise added at each layer in the last step: σξ, with σ scaled by ``Population/noiseScale`` in leaky layers (zero where the layer is noiseless or no
    /// streams were given).
    public private(set) var noise: [Matrix]

    /// Number of layers after the input.
    public var depth: Int { populations.count }

    /// The population projection ℓ comes from (−1: the input); it goes into population ℓ. Today
    /// projection ℓ comes from ℓ − 1 (a chain); recurrent, skip and delayed projections, planned
    /// with temporal networks, change this map, and the plasticity engine reads sources only here.
    public func source(ofProjection l: Int) -> Int { l - 1 }
    /// Sizes of all layers including the input.
    public let layerSizes: [Int]
    /// Whether any population integrates over time (``Population/leakSteps``).
    public let hasLeakyPopulation: Bool
    /// The network output of the last step.
    public var output: Matrix { rates[depth - 1] }
    /// Number of plastic parameters (existing synapses plus biases).
    public var parameterCount: Int {
        (0..<depth).reduce(0) { total, l in
            total + connectivity[l].synapseCount(pre: layerSizes[l], post: layerSizes[l + 1]) + populations[l].size
        }
    }

    /// Builds a network with explicit parameters.
    public init(inputSize: Int, populations: [Population], parameters: [LayerParameters],
                connectivity: [Connectivity]? = nil) throws {
        try Self.validate(inputSize: inputSize, populations: populations)
        let sizes = [inputSize] + populations.map(\.size)
        guard parameters.count == populations.count else {
            throw NetworkError.shapeMismatch(what: "parameters", expected: "\(populations.count) layers",
                                             got: "\(parameters.count)")
        }
        for (l, p) in parameters.enumerated() where p.weights.rows != sizes[l + 1] || p.weights.cols != sizes[l] {
            throw NetworkError.shapeMismatch(what: "layer \(l + 1) weights", expected: "\(sizes[l + 1])×\(sizes[l])",
                                             got: "\(p.weights.rows)×\(p.weights.cols)")
        }
        self.inputSize = inputSize
        self.populations = populations
        layerSizes = sizes
        hasLeakyPopulation = populations.contains { $0.leakSteps != nil }
        self.connectivity = connectivity ?? Array(repeating: .dense, count: populations.count)
        self.parameters = parameters
        for l in 0..<populations.count { self.connectivity[l].apply(to: &self.parameters[l].weights) }
        preActivations = populations.map { Matrix(rows: 0, cols: $0.size) }
        rates = preActivations
        noise = preActivations
    }

    /// Builds a network with parameters drawn by `initializer` from `rng`; projection ℓ keeps each
    /// synapse with probability `connectionProbability[ℓ]` (1 = dense).
    public convenience init(inputSize: Int, populations: [Population], initializer: WeightInitializer,
                            connectionProbability: [Double]? = nil, rng: RandomGenerator) throws {
        try Self.validate(inputSize: inputSize, populations: populations)
        let probabilities = connectionProbability ?? Array(repeating: 1, count: populations.count)
        guard probabilities.count == populations.count else {
            throw NetworkError.shapeMismatch(what: "connection probabilities", expected: "\(populations.count)",
                                             got: "\(probabilities.count)")
        }
        let sizes = [inputSize] + populations.map(\.size)
        var parameters: [LayerParameters] = []
        var connectivity: [Connectivity] = []
        for l in 0..<populations.count {
            let p = probabilities[l]
            guard p > 0, p <= 1 else { throw NetworkError.invalidProbability(layer: l + 1, value: p) }
            parameters.append(initializer.draw(pre: sizes[l], post: sizes[l + 1], rng: rng))
            connectivity.append(.random(pre: sizes[l], post: sizes[l + 1], probability: p, rng: rng))
        }
        try self.init(inputSize: inputSize, populations: populations, parameters: parameters,
                      connectivity: connectivity)
    }

    private static func validate(inputSize: Int, populations: [Population]) throws {
        guard inputSize > 0 else { throw NetworkError.invalidSize(layer: 0, size: inputSize) }
        guard !populations.isEmpty else { throw NetworkError.unsupported("a network needs at least one layer") }
        for (i, p) in populations.enumerated() {
            guard p.size > 0 else { throw NetworkError.invalidSize(layer: i + 1, size: p.size) }
            if let n = p.noise, !(n.sigma >= 0 && n.sigma.isFinite) {
                throw NetworkError.invalidNoise(layer: i + 1, sigma: n.sigma)
            }
            if let t = p.leakSteps, !(t > 0) { throw NetworkError.invalidLeak(layer: i + 1, steps: t) }
        }
    }

    /// Exchanges the last step's rates and pre-activations with `rates` and `preActivations` (the
    /// same shapes), without copying: the plasticity engine keeps a clean pass this way before the
    /// probed pass. Only without leaky populations, whose next step would read the rates exchanged
    /// away; without leak the next ``forward(_:streams:probe:)`` writes every element before reading it.
    func exchangeState(rates: inout [Matrix], preActivations: inout [Matrix]) {
        precondition(!hasLeakyPopulation, "a leaky network's state cannot be exchanged")
        precondition(rates.count == depth && preActivations.count == depth, "exchanged state must have the pass's shapes")
        for l in 0..<depth {
            precondition(rates[l].rows == self.rates[l].rows && rates[l].cols == self.rates[l].cols
                         && preActivations[l].rows == self.rates[l].rows && preActivations[l].cols == self.rates[l].cols,
                         "exchanged state must have the pass's shapes")
        }
        swap(&self.rates, &rates)
        swap(&self.preActivations, &preActivations)
    }

    /// Sets every rate to 0 (the state leaky populations start from).
    public func resetState() {
        for l in 0..<depth { rates[l].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    }

    /// Advances the network one step on `input` (`[instances × inputSize]`) and returns the output.
    ///
    /// Intrinsic noise is drawn only when `streams` is given (instance n uses `streams[n]`), so the
    /// same call without streams is the clean pass of the same weights. A `probe` adds a learning
    /// rule's own perturbation on top: per-instance synaptic noise, or noise on every neuron's output.
    @discardableResult
    public func forward(_ input: Matrix, streams: InstanceStreams? = nil, probe: PassPerturbation? = nil) -> Matrix {
        precondition(input.cols == inputSize, "input has \(input.cols) columns, network expects \(inputSize)")
        let batch = input.rows
        if let streams { precondition(streams.count >= batch, "need one stream per instance (\(batch))") }
        if rates[0].rows != batch {
            for l in 0..<depth {
                preActivations[l].resize(rows: batch)
                rates[l].resize(rows: batch)
                noise[l].resize(rows: batch)
            }
        }
        if case .nodes(_, _, let streams) = probe {
            precondition(streams.count >= batch, "need one probe stream per instance (\(batch))")
            if probeNoise.count != depth || probeNoise[0].rows != batch { probeNoise = populations.map { Matrix(rows: batch, cols: $0.size) } }
        }
        self.input = input
        for l in 0..<depth {
            let population = populations[l]
            let previous = l == 0 ? input : rates[l - 1]
            // z = x Wᵀ + b, the bias added after the whole sum over inputs. With few inputs the sum is one
            // BLAS block and C ← b, then C += x Wᵀ gives the same bits in one pass fewer; with many, BLAS
            // would add the blocks one by one onto b, so the bias comes last — in the activation's pass
            // when nothing else is added to z before φ (`biasPending`).
            let biasPending: Bool
            if previous.cols <= Self.singleBlockInputs {
                preActivations[l].storage.withUnsafeMutableBufferPointer { z in
                    parameters[l].bias.withUnsafeBufferPointer { b in KernelTable.current.fillRows(z, b) }
                }
                Matrix.gemm(previous, parameters[l].weights, transB: .transposed, beta: 1, into: &preActivations[l])
                biasPending = false
            } else {
                Matrix.gemm(previous, parameters[l].weights, transB: .transposed, into: &preActivations[l])
                biasPending = probe == nil && population.retention == 0
                    && (population.noise == nil || population.noise!.site == .output || streams == nil)
                if !biasPending { preActivations[l].addRowVector(parameters[l].bias) }
            }
            if case .synapses(let synaptic) = probe {
                synaptic.addDrive(layer: l, presynaptic: previous, into: &preActivations[l])
            }
            let noiseSite = drawNoise(layer: l, streams: streams)
            if noiseSite == .preActivation { preActivations[l].add(noise[l]) }
            if case .nodes(let sigma, .preActivation, let probeStreams) = probe {
                drawProbe(layer: l, sigma: sigma, streams: probeStreams)
                preActivations[l].add(probeNoise[l])
            }
            integrate(layer: l, addingBias: biasPending)
            if noiseSite == .output { rates[l].add(noise[l]) }
            if case .nodes(let sigma, .output, let probeStreams) = probe {
                drawProbe(layer: l, sigma: sigma, streams: probeStreams)
                rates[l].add(probeNoise[l])
            }
        }
        return rates[depth - 1]
    }

    /// Inputs up to which a GEMM's sum is one block of OpenBLAS's kernels (their K blocking is 256–384).
    static let singleBlockInputs = 128

    /// φ(z) of a leaky layer before it is mixed into the rate (reused across steps).
    private var leakScratch: [Double] = []

    /// The node probe's draws σξ of the last step, per layer (empty unless a `.nodes` probe ran).
    public private(set) var probeNoise: [Matrix] = []

    private func drawProbe(layer l: Int, sigma: Double, streams: InstanceStreams) {
        let width = populations[l].size, batch = probeNoise[l].rows
        probeNoise[l].storage.withUnsafeMutableBufferPointer { buffer in
            for n in 0..<batch {
                streams[n].fillGaussian(UnsafeMutableBufferPointer(rebasing: buffer[(n * width)..<((n + 1) * width)]),
                                        sigma: sigma)
            }
        }
    }

    /// Fills `noise[l]` from each instance's stream; returns where it is to be added (nil: nowhere).
    private func drawNoise(layer l: Int, streams: InstanceStreams?) -> NoiseSite? {
        guard let spec = populations[l].noise, spec.sigma > 0, let streams else {
            let stale = noise[l].storage
            if !stale.isEmpty && (stale[0] != 0 || stale[stale.count - 1] != 0) {
                noise[l].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            }
            return nil
        }
        let width = populations[l].size, batch = noise[l].rows
        let sigma = spec.sigma * populations[l].noiseScale
        noise[l].storage.withUnsafeMutableBufferPointer { buffer in
            for n in 0..<batch {
                streams[n].fillGaussian(UnsafeMutableBufferPointer(rebasing: buffer[(n * width)..<((n + 1) * width)]),
                                        sigma: sigma)
            }
        }
        return spec.site
    }

    /// r ← e^(−1/τ) r + (1 − e^(−1/τ)) φ(z), or r = φ(z) without leak; with `addingBias` (no leak),
    /// z ← z + b first, in the activation's pass.
    private func integrate(layer l: Int, addingBias: Bool) {
        let population = populations[l]
        let keep = population.retention
        if addingBias {
            precondition(keep == 0, "the bias is added in the activation's pass only without leak")
            preActivations[l].storage.withUnsafeMutableBufferPointer { z in
                rates[l].storage.withUnsafeMutableBufferPointer { r in
                    parameters[l].bias.withUnsafeBufferPointer { b in population.activation.apply(addingBias: b, to: z, into: r) }
                }
            }
            return
        }
        preActivations[l].storage.withUnsafeBufferPointer { z in
            rates[l].storage.withUnsafeMutableBufferPointer { r in
                if keep == 0 {
                    population.activation.apply(z, width: population.size, into: r)
                } else {
                    if leakScratch.count < z.count { leakScratch = Array(repeating: 0, count: z.count) }
                    leakScratch.withUnsafeMutableBufferPointer { phi in
                        population.activation.apply(z, width: population.size, into: phi)
                        for i in r.indices { r[i] = keep * r[i] + (1 - keep) * phi[i] }
                    }
                }
            }
        }
    }
}
