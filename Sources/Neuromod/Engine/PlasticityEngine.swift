/// Runs any ``PlasticityRule`` on a network: the one step loop every local rule goes through.
///
/// One ``step(input:target:)`` per minibatch (instances are the batch's samples):
/// 1. the device sets the weights the passes read;
/// 2. passes: a clean pass when the probe or a term needs one, then the probed pass (an antithetic
///    probe runs +ε and −ε), each instance drawing from its own streams;
/// 3. the modulator turns per-instance rewards R = −L into M⁽ⁿ⁾ (baseline, normalization, gate);
/// 4. every projection evaluates its local term and forms U = (1/B) Σ_n M⁽ⁿ⁾ φ⁽ⁿ⁾ in bulk — one
///    GEMV (φ = ε), one GEMM (φ factorizes into pre × post), or one fused pass (3F-WP); with a
///    trace kernel, each slot's eligibility e = K * φ instead (`traceUpdates(input:gain:)`, `PlasticityEngine+Traces.swift`);
/// 5. the optimizer turns U into a change and the device writes it; monitors see the step.
///
/// On environments the same rule runs per environment instance with traces and delayed dopamine
/// (``act(_:)`` …, `PlasticityEngine+Environments.swift`); ``MinibatchLoop`` and ``EpisodeLoop``
/// drive the two. The arithmetic of each path is that of the rules' earlier engines, so the presets
/// give the same numbers bit for bit. Deterministic: instance n draws only from stream n, whatever
/// the threads.
public final class PlasticityEngine {
    public let rule: PlasticityRule
    public let network: Network
    /// Streams of the rule's probe (instance n uses stream n).
    public let probeStreams: InstanceStreams
    /// Streams of the populations' intrinsic noise (nil: intrinsic noise off).
    public let intrinsicStreams: InstanceStreams?
    /// The read and write paths to the weights.
    public var device: SynapseDevice = IdealSynapses()
    /// Threads that draw a synaptic probe (the numbers do not depend on it).
    public var noiseThreads = 1
    /// Called after every minibatch step with what the step computed.
    public var monitors: [(StepRecord) -> Void] = []

    /// Per projection, the change of the last step: η·U for SGD, U for SignSGD and Adam (their step
    /// transforms it when it is applied).
    public internal(set) var updates: [LayerParameters]
    /// L⁽ⁿ⁾ of the last probed pass (antithetic: the mean of the two passes).
    public internal(set) var instanceLosses: [Double] = []
    /// M⁽ⁿ⁾ of the last step.
    public private(set) var modulation: [Double] = []
    /// The synaptic probe's draws of the last step (nil unless the probe is synaptic).
    public let synaptic: SynapticNoise?

    /// Per projection, its local term (nil: not plastic under this rule).
    let terms: [LocalTerm?]
    /// What the terms read, decided once: a clean pass, `dlogp`, `logp_grad`.
    let termsNeedCleanPass: Bool, termsReadLogP: Bool, termsReadPolicyGradient: Bool
    let neuromodulator: Neuromodulator?
    var minusLosses: [Double] = []
    var cleanRates: [Matrix] = []
    var cleanPre: [Matrix] = []
    var signals = SignalCache()
    /// Σ_n s⁽ⁿ⁾ M⁽ⁿ⁾ of a Rademacher probe's update, reused across steps (the widest projection's size).
    var signSums: [Double] = []
    /// Per projection, a `[B × post]` buffer for M times the postsynaptic factors.
    var postScratch: [Matrix] = []
    /// The target of the step being computed (for `post_error`).
    var currentTarget = Matrix(rows: 0, cols: 0)
    var optimizerState: OptimizerState
    /// Whether the last step's modulator was 0 everywhere under SGD (its update, 0, is skipped).
    var silent = false
    /// Per slot of a minibatch, its traces (minibatch steps with a trace kernel).
    var minibatchTraces: [[[EligibilityTrace]]] = []
    /// Per-instance traces, dopamine and policies when the engine drives environments.
    var episodic: EpisodicState?
    /// The precision of the minibatch step.
    public let precision: Precision
    /// The float32 mode's step (nil in float64).
    var singlePrecision: PrecisionStep<Float>?

    /// What one step computed, for monitors.
    public struct StepRecord {
        public var losses: [Double]
        public var modulation: [Double]
        public var updates: [LayerParameters]

        /// A record as the engine hands it to monitors (for a user's monitor tests).
        public init(losses: [Double], modulation: [Double], updates: [LayerParameters]) {
            self.losses = losses
            self.modulation = modulation
            self.updates = updates
        }
    }

    /// Binds `rule` to `network`.
    ///
    /// With `environments` the engine drives a batch of environment instances (``act(_:)``,
    /// ``reinforce(instance:reward:)``, ``advance()``, ``endEpisode(instance:)``) instead of
    /// minibatches (``step(input:target:)``).
    ///
    /// - Parameters:
    ///   - rule: the learning rule.
    ///   - network: the network it learns on (its ``Network/parameters`` are the weights it changes).
    ///   - probeStreams: the rule's probe streams (instance n uses stream n).
    ///   - intrinsicStreams: the populations' intrinsic noise streams (nil: intrinsic noise off).
    ///   - environments: the environment instances to drive (nil: minibatches).
    ///   - precision: the minibatch step's floating-point type (``Precision``); `float32` runs the
    ///     immediate minibatch path in `Float` and refuses what is outside its scope (its passes
    ///     leave the network's pass state, ``Network/rates`` …, as it was; ``updates`` and the
    ///     network's parameters hold the float values, widened).
    /// - Throws: ``NetworkError/unsupported(_:)`` in one line when a part of the rule cannot run on
    ///   this network (a factor a projection cannot see, a probe without scale, leaky populations, …)
    ///   or in this precision.
    public init(rule: PlasticityRule, network: Network, probeStreams: InstanceStreams,
                intrinsicStreams: InstanceStreams? = nil, environments: EnvironmentBatch? = nil,
                precision: Precision = .float64) throws {
        terms = try RuleValidation.terms(of: rule, on: network.populations, intrinsic: intrinsicStreams != nil,
                                         environment: environments != nil)
        let products = terms.compactMap { $0 }.flatMap(\.products)
        termsNeedCleanPass = terms.contains { $0?.needsCleanPass ?? false }
        termsReadLogP = products.contains { $0.instance.contains { $0.signal == .logProbabilityDifference } }
        termsReadPolicyGradient = products.contains(where: \.readsPolicyGradient)
        self.rule = rule
        self.network = network
        self.probeStreams = probeStreams
        self.intrinsicStreams = intrinsicStreams
        neuromodulator = rule.modulator.makeNeuromodulator()
        let sizes = network.layerSizes
        updates = (0..<network.depth).map { LayerParameters(pre: sizes[$0], post: sizes[$0 + 1]) }
        if case .synapses(let distribution, let sigma, _) = rule.probe {
            synaptic = SynapticNoise(sigma: sigma, distribution: distribution)
        } else {
            synaptic = nil
        }
        optimizerState = OptimizerState(shapes: updates)
        if let environments {
            try probeStreams.ensure(count: environments.instances)
            try intrinsicStreams?.ensure(count: environments.instances)
            episodic = try EpisodicState(batch: environments, rule: rule, terms: terms, network: network)
        }
        self.precision = precision
        if precision == .float32 {
            if let why = PrecisionStep<Float>.refusal(rule: rule, network: network, environments: environments != nil) {
                throw NetworkError.unsupported(why)
            }
            singlePrecision = PrecisionStep(engine: self)
        }
    }

    /// Computes the update for one minibatch and applies it; returns the mean loss of the probed pass.
    @discardableResult
    public func step(input: Matrix, target: Matrix) throws -> Double {
        let loss = try computeUpdate(input: input, target: target)
        apply()
        if !monitors.isEmpty {
            let record = StepRecord(losses: instanceLosses, modulation: modulation, updates: updates)
            for monitor in monitors { monitor(record) }
        }
        return loss
    }

    /// Computes ``updates`` for one minibatch without applying them; returns the mean probed loss.
    @discardableResult
    public func computeUpdate(input: Matrix, target: Matrix) throws -> Double {
        precondition(episodic == nil, "this engine drives environments: use act, reinforce, advance and endEpisode")
        if let singlePrecision { return try singlePrecision.computeUpdate(engine: self, input: input, target: target) }
        let batch = input.rows
        try probeStreams.ensure(count: batch)
        try intrinsicStreams?.ensure(count: batch)
        device.prepareRead(network)
        currentTarget = target
        runPasses(input: input, target: target)
        modulate(output: network.output, target: target)
        let scale = rule.reduction == .mean ? 1 / Double(batch) : 1
        let eta: Double, usesSGD: Bool
        if case .sgd(let rate) = rule.optimizer { (eta, usesSGD) = (rate, true) } else { (eta, usesSGD) = (1, false) }
        signals.invalidate()
        // With SGD a modulator that is 0 everywhere changes nothing; Adam's moments still move.
        silent = usesSGD && Self.allZero(modulation)
        if rule.trace != .immediate {
            try traceUpdates(input: input, gain: eta * scale)
            for l in 0..<network.depth where terms[l] != nil { network.connectivity[l].apply(to: &updates[l].weights) }
            return Self.sum(instanceLosses) * (1 / Double(batch))
        }
        for l in 0..<network.depth {
            guard let term = terms[l] else { continue }
            if silent {  // no modulator, no change (and nothing to compute)
                updates[l].weights.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                for j in updates[l].bias.indices { updates[l].bias[j] = 0 }
                continue
            }
            for p in term.products.indices {
                let product = term.products[p]
                accumulate(product, layer: l, input: input, alpha: constant(product, layer: l, gain: eta * scale), first: p == 0)
            }
            network.connectivity[l].apply(to: &updates[l].weights)
            if !rule.plasticBiases { for j in updates[l].bias.indices { updates[l].bias[j] = 0 } }
        }
        return Self.sum(instanceLosses) * (1 / Double(batch))
    }

    /// A product's constant part times `gain`: ((gain · c) · n_post) / σ^k, in the order the rules'
    /// earlier engines multiplied (η first, then the batch's 1/B or the dopamine, then constants).
    func constant(_ product: LocalTerm.Product, layer l: Int, gain: Double) -> Double {
        var value = gain * product.coefficient
        if product.scalesWithPostCount { value *= Double(network.populations[l].size) }
        return value / sigmaPower(product.sigmaPower)
    }

    /// σ^k (k may be negative: σ multiplies), computed as the rules' earlier engines did (σ·σ).
    func sigmaPower(_ k: Int) -> Double {
        let sigma = rule.sigma
        var value = 1.0
        for _ in 0..<abs(k) { value *= sigma }
        return k >= 0 ? value : 1 / value
    }

    /// The clean and probed passes; leaves the probed pass in the network and its losses in
    /// ``instanceLosses``.
    private func runPasses(input: Matrix, target: Matrix) {
        let batch = input.rows
        let needsClean = termsNeedCleanPass
        switch rule.probe {
        case .none:
            if needsClean { network.forward(input, streams: intrinsicStreams); moveCleanPass() }
            network.forward(input, streams: intrinsicStreams)
        case .synapses(_, _, let antithetic):
            let synaptic = synaptic!
            synaptic.draw(for: network, batch: batch, streams: probeStreams, threads: noiseThreads)
            if needsClean { network.forward(input, streams: intrinsicStreams); moveCleanPass() }
            synaptic.sign = 1
            network.forward(input, streams: intrinsicStreams, probe: .synapses(synaptic))
            if antithetic {
                // The + pass's losses, then the − pass (its terms see only ε, so its rates may overwrite).
                rule.loss.evaluate(output: network.output, target: target, perInstance: &instanceLosses)
                synaptic.sign = -1
                rule.loss.evaluate(output: network.forward(input, streams: intrinsicStreams, probe: .synapses(synaptic)),
                                   target: target, perInstance: &minusLosses)
                return
            }
        case .nodes(let sigma, let site):
            network.forward(input, streams: intrinsicStreams)
            moveCleanPass()
            network.forward(input, streams: intrinsicStreams, probe: .nodes(sigma: sigma, site: site, streams: probeStreams))
        case .intrinsic:
            network.forward(input)
            moveCleanPass()
            network.forward(input, streams: intrinsicStreams)
        }
        rule.loss.evaluate(output: network.output, target: target, perInstance: &instanceLosses)
    }

    /// M⁽ⁿ⁾ from the probed pass's losses (and, antithetic, the other pass's), or M⁽ⁿ⁾_j per output.
    func modulate(output: Matrix, target: Matrix) {
        let batch = instanceLosses.count
        switch rule.modulator.source {
        case .negativeLoss: break
        case .constant:
            if modulation.count != batch { modulation = Array(repeating: 1, count: batch) }
            for n in 0..<batch { modulation[n] = 1 }
            gate(output: output, target: target)
            return
        case .dopaminergic(let reading, let firing, let threshold):
            let classes = output.cols, rule = DopaminergicRule(reading: reading, outputFiring: firing, lossThreshold: threshold)
            if modulation.count != batch * classes { modulation = Array(repeating: 0, count: batch * classes) }
            output.storage.withUnsafeBufferPointer { z in
                modulation.withUnsafeMutableBufferPointer { m in
                    for n in 0..<batch {
                        rule.dopamineFactors(probabilities: UnsafeBufferPointer(rebasing: z[(n * classes)..<((n + 1) * classes)]),
                                             label: Self.argmax(target, row: n), loss: instanceLosses[n],
                                             into: UnsafeMutableBufferPointer(rebasing: m[(n * classes)..<((n + 1) * classes)]))
                    }
                }
            }
            return
        }
        if let neuromodulator {
            neuromodulator.broadcast(losses: instanceLosses, into: &modulation)
        } else {
            // M = (R⁺ − R⁻)/2 = (L⁻ − L⁺)/2; the reported loss is the mean of both passes.
            if modulation.count != batch { modulation = Array(repeating: 0, count: batch) }
            for n in 0..<batch {
                modulation[n] = (minusLosses[n] - instanceLosses[n]) / 2
                instanceLosses[n] = (instanceLosses[n] + minusLosses[n]) / 2
            }
        }
        gate(output: output, target: target)
    }

    /// M⁽ⁿ⁾ = 0 where the gate is closed.
    private func gate(output: Matrix, target: Matrix) {
        if rule.modulator.gate == .misclassified {
            for n in 0..<output.rows where Self.argmax(output, row: n) == Self.argmax(target, row: n) { modulation[n] = 0 }
        }
    }

    /// Σ values, left to right (as `reduce(0, +)`; a loop, so that a step allocates nothing even unoptimized).
    static func sum(_ values: [Double]) -> Double {
        var total = 0.0
        for i in values.indices { total += values[i] }
        return total
    }

    /// Whether every value is 0.
    static func allZero(_ values: [Double]) -> Bool {
        for i in values.indices where values[i] != 0 { return false }
        return true
    }

    /// The column of row n's largest entry (the lowest index on ties).
    public static func argmax(_ m: Matrix, row n: Int) -> Int {
        var best = 0
        for j in 1..<max(m.cols, 1) where m[n, j] > m[n, best] { best = j }
        return best
    }

    /// Copies the clean pass's rates and pre-activations (the probed pass overwrites the network's).
    /// Keeps the clean pass when the probed pass follows at once: moved out of the network without
    /// a copy (``Network/exchangeState(rates:preActivations:)``) when no population leaks, copied
    /// (``keepCleanPass()``) when one does. The network's rates are stale until the next pass.
    private func moveCleanPass() {
        if network.hasLeakyPopulation { return keepCleanPass() }
        if cleanRates.count != network.depth || cleanRates[0].rows != network.rates[0].rows {
            cleanRates = network.rates.map { Matrix(rows: $0.rows, cols: $0.cols) }
            cleanPre = cleanRates
        }
        network.exchangeState(rates: &cleanRates, preActivations: &cleanPre)
    }

    func keepCleanPass() {
        if cleanRates.count != network.depth || cleanRates[0].rows != network.rates[0].rows {
            cleanRates = network.rates.map { Matrix(rows: $0.rows, cols: $0.cols) }
            cleanPre = cleanRates
        }
        for l in 0..<network.depth {
            cleanRates[l].storage.withUnsafeMutableBufferPointer { out in
                network.rates[l].storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
            }
            cleanPre[l].storage.withUnsafeMutableBufferPointer { out in
                network.preActivations[l].storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
            }
        }
    }

    /// Applies ``updates`` through the optimizer and the device's write path.
    private func apply() {
        if let singlePrecision { return singlePrecision.apply(engine: self) }
        if silent { return }
        let plain = rule.update == .additive && { if case .sgd = rule.optimizer { return true } else { return false } }()
        for l in 0..<network.depth where terms[l] != nil {
            if plain {
                device.write(updates[l], projection: l, into: &network.parameters[l])
                continue
            }
            optimizerState.transform(updates[l], projection: l, optimizer: rule.optimizer)
            if rule.update == .multiplicative { optimizerState.multiply(projection: l, by: network.parameters[l]) }
            device.write(optimizerState.changes[l], projection: l, into: &network.parameters[l])
        }
    }
}
