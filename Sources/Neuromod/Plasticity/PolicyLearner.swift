/// How a policy network turns its own noise (or the exact gradient) into eligibility.
///
/// Each rule writes, at every step, a rank-one local term φ_ℓ = u_ℓ ⊗ x_{ℓ−1} per projection into
/// its eligibility trace; the broadcast reward prediction error turns the trace into weight change,
/// ΔW_ℓ = η · M · e_ℓ (seed 004; `../shared/seeds/NOTES.md`).
///
/// | rule | acting policy | u_ℓ | x_{ℓ−1} |
/// |---|---|---|---|
/// | `nrl` | clean pass | dp · ξ_ℓ / ‖ξ‖², dp = log π_noisy(a) − log π_clean(a) | noisy pass |
/// | `rmhl` | noisy pass | ξ_ℓ | noisy pass |
/// | `reinforce` | clean pass | ∂ log π(a)/∂z_ℓ by backprop (non-local) | clean pass |
///
/// ξ_ℓ is the pre-activation noise N(0, σ²) of layer ℓ in the noisy pass; ‖ξ‖² sums over all layers.
public enum PolicyRule: String, Sendable, Equatable, CaseIterable {
    /// Noise-based reward-modulated learning (seed 004), as in the authors' code.
    case nrl
    /// Reward-modulated Hebbian learning: noise times presynaptic activity on the acting network.
    case rmhl
    /// REINFORCE with backprop: the exact ∇ log π(a), the non-local baseline.
    case reinforce
}

/// Learns a softmax policy with a ``PolicyRule``, eligibility traces and a dopamine-like broadcast.
///
/// The network is bias-free in effect: biases stay at their initial value (0 with Xavier-normal)
/// and are never updated, as in seed 004's code. One learner drives one environment instance; runs
/// in parallel use one learner each.
///
/// A time step is ``act(_:)`` (decay the traces, add this step's local term, return the action),
/// then the environment's step, then optionally ``reinforce(reward:)`` (the RPE is released as
/// dopamine after the signal's delay), then ``advance()`` (dopamine due now acts on the traces and
/// the clock moves on). ``endEpisode()`` lets pending dopamine arrive and clears traces.
public final class PolicyLearner {
    public let network: Network
    public let rule: PolicyRule
    public let learningRate: Double
    /// Multiply layer ℓ's update by its size n_ℓ (the later version of seed 004's code).
    public let fanOutScaling: Bool
    public let modulator: Neuromodulator
    public let dopamine: DopamineSignal
    public let kernel: TraceKernel
    /// One trace per projection, `[1 × post·pre]` (row-major like the weights).
    public private(set) var traces: [EligibilityTrace]

    private let noiseStreams: InstanceStreams
    private let policyStream: RandomGenerator
    private let backprop = Backprop(loss: .crossEntropy)
    private var observation: Matrix
    /// Logits and probabilities of the pass the action was sampled from (clean, except for RMHL).
    private var actingLogits: [Double]
    private var actingProbabilities: [Double]
    private var oneHot: Matrix

    /// - Parameters:
    ///   - network: the policy; its last layer must be softmax over the actions. For `nrl` and `rmhl`
    ///     every population carries pre-activation noise N(0, σ²): the noisy pass draws it, the
    ///     clean pass (no streams) does not. `reinforce` never draws it.
    ///   - noise: the stream of the noisy pass's draws (one instance); `policy`: the stream actions
    ///     are sampled from.
    public init(network: Network, rule: PolicyRule, learningRate: Double, trace: TraceKernel, dt: Double,
                modulator: Neuromodulator, dopamine: DopamineSignal, fanOutScaling: Bool = false,
                noise: InstanceStreams, policy: RandomGenerator) throws {
        guard network.populations.last?.activation == .softmax else {
            throw NetworkError.unsupported("a policy network needs a softmax output layer")
        }
        guard network.populations.allSatisfy({ $0.leakSteps == nil }) else {
            throw NetworkError.unsupported("policy learning needs populations without leak")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw NetworkError.unsupported("learning rate must be a positive number, got \(learningRate)")
        }
        if rule != .reinforce {
            for (l, population) in network.populations.enumerated()
            where population.noise?.site != .preActivation || !(population.noise!.sigma > 0) {
                throw NetworkError.unsupported(
                    "\(rule.rawValue) needs pre-activation noise with σ > 0 on every layer (layer \(l + 1) has none)")
            }
        }
        let sizes = network.layerSizes
        self.network = network
        self.rule = rule
        self.learningRate = learningRate
        self.fanOutScaling = fanOutScaling
        self.modulator = modulator
        self.dopamine = dopamine
        self.kernel = trace
        traces = try (0..<network.depth).map {
            try EligibilityTrace(kernel: trace, dt: dt, instances: 1, synapseCount: sizes[$0] * sizes[$0 + 1])
        }
        noiseStreams = noise
        policyStream = policy
        observation = Matrix(rows: 1, cols: network.inputSize)
        actingLogits = Array(repeating: 0, count: sizes.last!)
        actingProbabilities = actingLogits
        oneHot = Matrix(rows: 1, cols: sizes.last!)
    }

    /// The policy π(·|s) the last ``act(_:)`` sampled from: the clean pass (`nrl`, `reinforce`) or
    /// the noisy, acting one (`rmhl`).
    public var probabilities: [Double] { actingProbabilities }

    /// One step: computes the policy for `observation`, samples an action, and adds this step's local
    /// term to every trace (after decaying them by one step).
    public func act(_ observation: [Double]) -> Int {
        precondition(observation.count == network.inputSize,
                     "observation has \(observation.count) values, the policy expects \(network.inputSize)")
        self.observation.storage = observation
        for l in traces.indices { traces[l].advance() }
        switch rule {
        case .nrl:
            network.forward(self.observation)
            keepActingOutput()
            let action = sample(actingProbabilities)
            noisyPass()
            let dp = logProbability(action, logits: network.preActivations.last!.storage) -
                logProbability(action, logits: actingLogits)
            var norm = 0.0
            for l in 0..<network.depth { for v in network.noise[l].storage { norm += v * v } }
            recordNoisyLayers(scale: norm > 0 ? dp / norm : 0)
            return action
        case .rmhl:
            noisyPass()
            keepActingOutput()
            let action = sample(actingProbabilities)
            recordNoisyLayers(scale: 1)
            return action
        case .reinforce:
            network.forward(self.observation)
            keepActingOutput()
            let action = sample(actingProbabilities)
            for k in oneHot.storage.indices { oneHot.storage[k] = k == action ? 1 : 0 }
            // ∇ log π(a) = −∇ of the cross-entropy against the one-hot action (batch of one).
            do {
                try backprop.computeGradients(network: network, input: self.observation, target: oneHot)
            } catch {
                preconditionFailure("the policy was checked for backprop when the learner was made: \(error)")
            }
            for l in 0..<network.depth {
                backprop.gradients[l].weights.storage.withUnsafeBufferPointer { g in
                    traces[l].add(instance: 0, phi: g, scale: -1)
                }
            }
            return action
        }
    }

    /// Turns a reward into dopamine: its prediction error against the modulator's baseline is
    /// released now and reaches the synapses after the signal's delay.
    public func reinforce(reward: Double) {
        dopamine.release(modulator.predictionError(reward: reward))
    }

    /// Ends the step: dopamine arriving now changes the weights by η ∫ c(t) e(t) dt over the step.
    public func advance() {
        dopamine.advance(traceTau: traceTau) { factor in self.applyTraces(scaledBy: factor) }
    }

    /// Ends an episode: pending dopamine arrives (traces keep decaying, no new activity), a decaying
    /// concentration acts until it has gone, then traces and concentration are cleared.
    public func endEpisode() {
        // Kernels whose decay has no closed-form tail are stepped on for 20 τ_d (e^−20 ≈ 2e−9 left).
        let tailSteps: Int
        switch kernel {
        case .riseDecay, .window: tailSteps = dopamine.kinetics.decay.map { Int(($0 * 20 / dopamine.dt).rounded(.up)) } ?? 0
        default: tailSteps = 0
        }
        var stepped = 0
        while dopamine.hasPending || stepped < tailSteps {
            for l in traces.indices { traces[l].advance() }
            advance()
            stepped += 1
        }
        if kernel == .immediate {
            dopamine.flush(traceTau: nil) { _ in }  // the trace has already vanished
        } else {
            dopamine.flush(traceTau: traceTau) { factor in self.applyTraces(scaledBy: factor) }
        }
        for l in traces.indices { traces[l].reset() }
    }

    /// The trace's exponential time constant (seconds), if it decays as one exponential.
    private var traceTau: Double? {
        if case .exponential(let tau) = kernel { return tau }
        return nil
    }

    private func applyTraces(scaledBy factor: Double) {
        for l in 0..<network.depth {
            let gain = learningRate * factor * (fanOutScaling ? Double(network.layerSizes[l + 1]) : 1)
            traces[l].withValues(instance: 0) { e in
                network.parameters[l].weights.storage.withUnsafeMutableBufferPointer { w in
                    for i in w.indices { w[i] += gain * e[i] }
                }
            }
            network.connectivity[l].apply(to: &network.parameters[l].weights)
        }
    }

    /// The noisy pass: the populations' pre-activation noise, drawn from the noise stream.
    private func noisyPass() { network.forward(observation, streams: noiseStreams) }

    /// Copies (not shares, so the next pass does not copy the network's buffers) the output.
    private func keepActingOutput() {
        let logits = network.preActivations[network.depth - 1], output = network.output
        for k in actingLogits.indices {
            actingLogits[k] = logits.storage[k]
            actingProbabilities[k] = output.storage[k]
        }
    }

    /// φ_ℓ = scale · ξ_ℓ ⊗ x_{ℓ−1} from the last (noisy) pass.
    private func recordNoisyLayers(scale: Double) {
        guard scale != 0 else { return }
        for l in 0..<network.depth {
            let pre = l == 0 ? observation.storage : network.rates[l - 1].storage
            network.noise[l].storage.withUnsafeBufferPointer { xi in
                pre.withUnsafeBufferPointer { x in traces[l].addOuter(instance: 0, post: xi, pre: x, scale: scale) }
            }
        }
    }

    private func sample(_ probabilities: [Double]) -> Int {
        let u = policyStream.uniform()
        var cumulative = 0.0
        for (k, p) in probabilities.enumerated() {
            cumulative += p
            if u < cumulative { return k }
        }
        return probabilities.count - 1
    }

    /// log softmax(z)_a, computed stably from the logits.
    private func logProbability(_ action: Int, logits z: [Double]) -> Double {
        let peak = z.max()!
        var total = 0.0
        for v in z { total += _exp(v - peak) }
        return z[action] - peak - _log(total)
    }
}

import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
