/// How the engine drives a batch of environment instances that step in lockstep, each with its own
/// episode, noise, policy stream, traces, reward baseline and dopamine (seed 004's setting, with
/// several environments in one batch).
public struct EnvironmentBatch {
    /// Environment instances stepped together (one row of the observation matrix each).
    public var instances: Int
    /// The environments' step in seconds (traces and dopamine delays are in seconds).
    public var dt: Double
    /// Instance n samples its actions from stream n.
    public var policyStreams: InstanceStreams

    public init(instances: Int, dt: Double, policyStreams: InstanceStreams) {
        self.instances = instances
        self.dt = dt
        self.policyStreams = policyStreams
    }
}

/// Per environment instance: its traces (one per projection and product), dopamine, baseline,
/// the last action and the acting pass's policy.
final class EpisodicState {
    let batch: EnvironmentBatch
    /// [instance][projection][product]; empty for projections without a term.
    var traces: [[[EligibilityTrace]]]
    let dopamine: [DopamineSignal]
    let modulators: [Neuromodulator]
    var logProbabilityDifference: [Double]
    var actingLogits: Matrix
    var actingProbabilities: Matrix
    var actions: [Int]
    /// One change buffer per projection for applying a trace.
    var changes: [LayerParameters]
    /// The REINFORCE reference's gradients (`logp_grad` factors).
    let backprop = Backprop(loss: .crossEntropy)
    var oneHot: Matrix

    init(batch: EnvironmentBatch, rule: PlasticityRule, terms: [LocalTerm?], network: Network) throws {
        guard batch.instances > 0 else { throw NetworkError.unsupported("an environment batch needs at least one instance") }
        try batch.policyStreams.ensure(count: batch.instances)
        self.batch = batch
        let sizes = network.layerSizes
        traces = try PlasticityEngine.makeTraces(rule: rule, terms: terms, network: network, instances: batch.instances, dt: batch.dt)
        dopamine = try (0..<batch.instances).map { _ in try DopamineSignal(kinetics: rule.modulator.dopamine, dt: batch.dt) }
        modulators = (0..<batch.instances).map { _ in rule.modulator.makeNeuromodulator()! }
        logProbabilityDifference = Array(repeating: 0, count: batch.instances)
        actingLogits = Matrix(rows: batch.instances, cols: sizes.last!)
        actingProbabilities = actingLogits
        actions = Array(repeating: 0, count: batch.instances)
        changes = (0..<network.depth).map { LayerParameters(pre: sizes[$0], post: sizes[$0 + 1]) }
        oneHot = Matrix(rows: batch.instances, cols: sizes.last!)
    }
}

extension PlasticityEngine {
    /// The policy each instance's last action was sampled from, `[instances × actions]`.
    public var policy: Matrix { episodic!.actingProbabilities }

    /// One step of every instance: decays the traces by one step, runs the passes, samples an action
    /// per instance from the acting pass's softmax, and adds each instance's local term to its traces.
    public func act(_ observations: Matrix) -> [Int] {
        let state = episodic!
        precondition(observations.rows == state.batch.instances,
                     "\(observations.rows) observations for \(state.batch.instances) environment instances")
        for instance in state.traces { for projection in instance { for trace in projection { trace.advance() } } }
        device.prepareRead(network)
        let usesLogP = termsReadLogP
        let needsClean = rule.acting == .clean || usesLogP || termsNeedCleanPass
        switch rule.probe {
        case .none:
            network.forward(observations, streams: intrinsicStreams)
        case .intrinsic:
            if needsClean { network.forward(observations); keepCleanPass(thenActing: rule.acting == .clean) }
            network.forward(observations, streams: intrinsicStreams)
        case .nodes(let sigma, let site):
            if needsClean { network.forward(observations, streams: intrinsicStreams); keepCleanPass(thenActing: rule.acting == .clean) }
            network.forward(observations, streams: intrinsicStreams, probe: .nodes(sigma: sigma, site: site, streams: probeStreams))
        case .synapses:
            synaptic!.draw(for: network, batch: observations.rows, streams: probeStreams, threads: noiseThreads)
            if needsClean { network.forward(observations, streams: intrinsicStreams); keepCleanPass(thenActing: rule.acting == .clean) }
            synaptic!.sign = 1
            network.forward(observations, streams: intrinsicStreams, probe: .synapses(synaptic!))
        }
        if rule.acting == .probed || rule.probe == .none { keepActing() }
        let logits = network.preActivations[network.depth - 1]
        for n in 0..<state.batch.instances {
            let a = sample(row: n, stream: state.batch.policyStreams[n])
            state.actions[n] = a
            if usesLogP {
                state.logProbabilityDifference[n] = Self.logProbability(a, logits: logits, row: n)
                    - Self.logProbability(a, logits: cleanPre[network.depth - 1], row: n)
            }
        }
        if termsReadPolicyGradient {
            for n in 0..<state.batch.instances { for k in 0..<state.oneHot.cols { state.oneHot[n, k] = k == state.actions[n] ? 1 : 0 } }
            do {
                try state.backprop.computeGradients(network: network, input: observations, target: state.oneHot)
            } catch {
                preconditionFailure("the policy was checked for backprop when the engine was made: \(error)")
            }
        }
        signals.invalidate()
        recordTraces(observations, into: state.traces)
        return state.actions
    }

    /// Turns instance n's reward into dopamine: its prediction error against the instance's baseline
    /// is released now and reaches the synapses after the dopamine delay.
    public func reinforce(instance n: Int, reward: Double) {
        let state = episodic!
        state.dopamine[n].release(state.modulators[n].predictionError(reward: reward))
    }

    /// Ends the step of every instance: dopamine arriving now changes the weights by η ∫ c e dt.
    public func advance() {
        for n in 0..<episodic!.batch.instances { advanceDopamine(instance: n) }
    }

    /// Ends instance n's episode: its pending dopamine arrives (its traces keep decaying, no new
    /// activity), a decaying concentration acts until it has gone, then its traces are cleared.
    public func endEpisode(instance n: Int) {
        let state = episodic!
        // Kernels whose decay has no closed-form tail are stepped on for 20 τ_d (e^−20 ≈ 2e−9 left).
        var tailSteps = 0
        switch rule.trace {
        case .riseDecay, .window:
            tailSteps = state.dopamine[n].kinetics.decay.map { Int(($0 * 20 / state.batch.dt).rounded(.up)) } ?? 0
        default: break
        }
        var stepped = 0
        while state.dopamine[n].hasPending || stepped < tailSteps {
            for projection in state.traces[n] { for trace in projection { trace.advance() } }
            advanceDopamine(instance: n)
            stepped += 1
        }
        if rule.trace == .immediate {
            state.dopamine[n].flush(traceTau: nil) { _ in }  // the trace has already vanished
        } else {
            state.dopamine[n].flush(traceTau: traceTau) { factor in applyTraces(instance: n, factor: factor) }
        }
        for projection in state.traces[n] { for trace in projection { trace.reset() } }
    }

    private var traceTau: Double? {
        if case .exponential(let tau) = rule.trace { return tau }
        return nil
    }

    private func advanceDopamine(instance n: Int) {
        episodic!.dopamine[n].advance(traceTau: traceTau) { factor in applyTraces(instance: n, factor: factor) }
    }

    /// Δw = Σ_p ((η · factor · c_p) · n_post) / σ^k_p · e_p of instance n, through the write path.
    private func applyTraces(instance n: Int, factor: Double) {
        let state = episodic!
        guard case .sgd(let eta) = rule.optimizer else { return }
        for l in 0..<network.depth {
            guard let term = terms[l] else { continue }
            let weightCount = state.changes[l].weights.storage.count
            for (p, product) in term.products.enumerated() {
                let alpha = constant(product, layer: l, gain: eta * factor)
                state.traces[n][l][p].withValues(instance: 0) { e in
                    state.changes[l].weights.storage.withUnsafeMutableBufferPointer { w in
                        if p == 0 { for i in w.indices { w[i] = alpha * e[i] } } else { for i in w.indices { w[i] += alpha * e[i] } }
                    }
                    state.changes[l].bias.withUnsafeMutableBufferPointer { b in
                        guard rule.plasticBiases else { b.update(repeating: 0); return }
                        for j in b.indices { b[j] = (p == 0 ? 0 : b[j]) + alpha * e[weightCount + j] }
                    }
                }
            }
            network.connectivity[l].apply(to: &state.changes[l].weights)
            device.write(state.changes[l], projection: l, into: &network.parameters[l])
        }
    }

    /// Copies the acting pass's logits and softmax output (the next pass overwrites the network's).
    func keepActing() {
        let state = episodic!
        state.actingLogits.storage.withUnsafeMutableBufferPointer { out in
            network.preActivations[network.depth - 1].storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
        }
        state.actingProbabilities.storage.withUnsafeMutableBufferPointer { out in
            network.output.storage.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
        }
    }

    private func keepCleanPass(thenActing acting: Bool) {
        keepCleanPass()
        if acting { keepActing() }
    }

    /// Samples an action from row n of the acting policy with one uniform draw.
    private func sample(row n: Int, stream: RandomGenerator) -> Int {
        let p = episodic!.actingProbabilities, actions = p.cols
        let u = stream.uniform()
        var cumulative = 0.0
        for k in 0..<actions {
            cumulative += p.storage[n * actions + k]
            if u < cumulative { return k }
        }
        return actions - 1
    }

    /// log softmax(z)_a of row n, computed stably from the logits.
    static func logProbability(_ action: Int, logits: Matrix, row n: Int) -> Double {
        let z = logits.storage[(n * logits.cols)..<((n + 1) * logits.cols)]
        let peak = z.max()!
        var total = 0.0
        for v in z { total += _exp(v - peak) }
        return z[n * logits.cols + action] - peak - _log(total)
    }
}

import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
