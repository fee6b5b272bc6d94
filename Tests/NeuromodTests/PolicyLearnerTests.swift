import Foundation
import Testing
@testable import Neuromod

/// The seed-004 presets (NRL, REINFORCE) on one environment instance of the engine, through a
/// small adapter with one observation at a time.
final class PolicyLearner {
    let engine: PlasticityEngine
    init(_ engine: PlasticityEngine) { self.engine = engine }
    func act(_ observation: [Double]) -> Int { engine.act(Matrix([observation]))[0] }
    var probabilities: [Double] { engine.policy.storage }
    func reinforce(reward: Double) { engine.reinforce(instance: 0, reward: reward) }
    func advance() { engine.advance() }
    func endEpisode() { engine.endEpisode(instance: 0) }
    func trace(layer: Int) -> [Double] { engine.episodic!.traces[0][layer][0].withValues(instance: 0) { Array($0) } }
}

enum PolicyRule { case nrl, rmhl, reinforce }

@Suite struct PolicyLearnerTests {
    /// A 3-4-2 policy (leaky-ReLU 0.1, softmax) with fixed weights; `sigma` > 0 adds pre-activation noise.
    func policy(sigma: Double) throws -> Network {
        let noise = sigma > 0 ? IntrinsicNoise(site: .preActivation, sigma: sigma) : nil
        return try Network(
            inputSize: 3,
            populations: [Population(size: 4, activation: .leakyReLU(slope: 0.1), noise: noise),
                          Population(size: 2, activation: .softmax, noise: noise)],
            parameters: [LayerParameters(weights: Matrix([[0.5, -0.3, 0.8], [-0.6, 0.2, 0.1], [0.3, 0.9, -0.4], [0.05, -0.7, 0.6]]),
                                         bias: [0, 0, 0, 0]),
                         LayerParameters(weights: Matrix([[0.7, -0.2, 0.4, -0.9], [-0.5, 0.6, 0.1, 0.3]]), bias: [0, 0])])
    }

    func learner(_ network: Network, rule: PolicyRule, eta: Double = 0.1, trace: TraceKernel = .episodeSum,
                 dt: Double = 0.02, dopamine: DopamineKinetics = DopamineKinetics(), seed: UInt64 = 3) throws -> PolicyLearner {
        let rules: [PolicyRule: PlasticityRule] = [
            .nrl: .noiseBasedRewardModulated(learningRate: eta, sigma: 0.05, trace: trace, dopamine: dopamine),
            .rmhl: .rewardModulatedHebbian(learningRate: eta, sigma: 0.05, trace: trace, dopamine: dopamine),
            .reinforce: .reinforceBackprop(learningRate: eta, trace: trace, dopamine: dopamine)]
        return PolicyLearner(try PlasticityEngine(
            rule: rules[rule]!, network: network, probeStreams: InstanceStreams(.taus2, seed: seed, base: 300, count: 1),
            intrinsicStreams: InstanceStreams(.taus2, seed: seed, base: 100, count: 1),
            environments: EnvironmentBatch(instances: 1, dt: dt, policyStreams: InstanceStreams(.taus2, seed: seed, base: 200, count: 1))))
    }

    func traceValues(_ l: PolicyLearner, layer: Int) -> [Double] { l.trace(layer: layer) }

    /// NRL's eligibility after one step, recomputed by hand from the noise the network drew:
    /// dp = log π_noisy(a) − log π_clean(a), e_ℓ = dp · ξ_ℓ / ‖ξ‖² ⊗ x_{ℓ−1} (noisy presynaptic rates).
    @Test func nrlEligibilityMatchesSeed004() throws {
        let network = try policy(sigma: 0.05)
        let nrl = try learner(network, rule: .nrl)
        let x = [0.4, -1.2, 0.7]
        let action = nrl.act(x)
        let xi = network.noise.map(\.storage)
        let W1 = network.parameters[0].weights, W2 = network.parameters[1].weights
        func logits(noisy: Bool) -> (hidden: [Double], z: [Double]) {
            let hidden = (0..<4).map { j -> Double in
                let z = (0..<3).reduce(0.0) { $0 + W1[j, $1] * x[$1] } + (noisy ? xi[0][j] : 0)
                return z > 0 ? z : 0.1 * z
            }
            let z = (0..<2).map { k in (0..<4).reduce(0.0) { $0 + W2[k, $1] * hidden[$1] } + (noisy ? xi[1][k] : 0) }
            return (hidden, z)
        }
        func logSoftmax(_ z: [Double], _ a: Int) -> Double { z[a] - log(z.map { exp($0) }.reduce(0, +)) }
        let clean = logits(noisy: false), noisy = logits(noisy: true)
        let dp = logSoftmax(noisy.z, action) - logSoftmax(clean.z, action)
        let norm = (xi[0] + xi[1]).reduce(0) { $0 + $1 * $1 }
        let e1 = traceValues(nrl, layer: 0), e2 = traceValues(nrl, layer: 1)
        for j in 0..<4 { for i in 0..<3 { #expect(abs(e1[j * 3 + i] - dp * xi[0][j] / norm * x[i]) < 1e-12) } }
        for k in 0..<2 { for j in 0..<4 { #expect(abs(e2[k * 4 + j] - dp * xi[1][k] / norm * noisy.hidden[j]) < 1e-12) } }
        #expect(abs(nrl.probabilities.reduce(0, +) - 1) < 1e-15)
    }

    /// REINFORCE's eligibility is the exact ∇_W log π(a | x), checked by central differences.
    @Test func reinforceEligibilityIsTheScoreFunction() throws {
        let network = try policy(sigma: 0)
        let rl = try learner(network, rule: .reinforce)
        let x = [0.4, -1.2, 0.7]
        let action = rl.act(x)
        let input = Matrix([x])
        func logPi() -> Double { log(network.forward(input)[0, action]) }
        for layer in 0..<2 {
            let e = traceValues(rl, layer: layer)
            for i in network.parameters[layer].weights.storage.indices {
                let w = network.parameters[layer].weights.storage[i], h = 1e-6
                network.parameters[layer].weights.storage[i] = w + h
                let up = logPi()
                network.parameters[layer].weights.storage[i] = w - h
                let down = logPi()
                network.parameters[layer].weights.storage[i] = w
                #expect(abs(e[i] - (up - down) / (2 * h)) < 1e-8)
            }
        }
    }

    /// NRL estimates the score function: given the action a, E[dp · ξ_ℓ/‖ξ‖² ⊗ x] ≈ ∇_W log π(a)/N to
    /// first order in σ, with N = 6 noisy neurons (E[ξ ξᵀ/‖ξ‖²] = I/N). With an immediate trace
    /// (e = this step's φ), the NRL terms of the K = 20 000 steps that chose action 0 are summed and
    /// compared with K₀ times REINFORCE's exact ∇ log π(0): cosine > 0.99, scale 1/N within 5 %.
    @Test func nrlEligibilityEstimatesTheScoreFunction() throws {
        let nrl = try learner(try policy(sigma: 1e-3), rule: .nrl, trace: .immediate)
        let rl = try learner(try policy(sigma: 0), rule: .reinforce, trace: .immediate)
        let x = [0.4, -1.2, 0.7]
        var estimate = Array(repeating: 0.0, count: 12 + 8), exact = estimate
        var chosen = 0
        for _ in 0..<20_000 {
            let a = nrl.act(x), b = rl.act(x)
            precondition(a == b, "both learners sample from the same clean policy and stream")
            guard a == 0 else { continue }
            chosen += 1
            let e = traceValues(nrl, layer: 0) + traceValues(nrl, layer: 1)
            let g = traceValues(rl, layer: 0) + traceValues(rl, layer: 1)
            for i in e.indices { estimate[i] += e[i]; exact[i] += g[i] }
        }
        #expect(chosen > 5_000)
        let dot = zip(estimate, exact).reduce(0) { $0 + $1.0 * $1.1 }
        let ne = estimate.reduce(0) { $0 + $1 * $1 }.squareRoot(), nx = exact.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(dot / (ne * nx) > 0.99)
        #expect(abs(ne / nx * 6 - 1) < 0.05, "scale \(ne / nx), expected about 1/6")
    }

    /// Delayed pulse: dopamine released d steps after the activity meets the exponential trace decayed
    /// by exp(−d·dt/τ): ΔW = η · M · e(t) · exp(−d·dt/τ), exactly.
    @Test func delayedDopamineMeetsTheDecayedTrace() throws {
        let eta = 0.3, tau = 0.1, dt = 0.02, delaySteps = 7
        let network = try policy(sigma: 0)
        let before = network.parameters.map(\.weights.storage)
        let rl = try learner(network, rule: .reinforce, eta: eta, trace: .exponential(tau: tau), dt: dt,
                             dopamine: DopamineKinetics(delay: Double(delaySteps) * dt))
        rl.reinforce(reward: 2)  // first reward sets the baseline: RPE 0
        rl.advance()
        _ = rl.act([0.4, -1.2, 0.7])
        let e = (0..<2).map { traceValues(rl, layer: $0) }
        rl.reinforce(reward: 5)  // RPE (5 − 2)/5 = 0.6
        rl.advance()
        for _ in 0..<delaySteps { #expect(network.parameters[0].weights.storage == before[0]); _ = rl.act([0, 0, 0]); rl.advance() }
        let decay = exp(-Double(delaySteps) * dt / tau)
        for l in 0..<2 {
            for i in before[l].indices {
                let expected = before[l][i] + eta * 0.6 * e[l][i] * decay
                #expect(abs(network.parameters[l].weights.storage[i] - expected) < 1e-12)
            }
        }
    }

    /// Decaying dopamine on an exponential trace, integrated step by step and its tail at episode end:
    /// the total equals the closed form η M e ∫₀^∞ e^(−s/τ_d) e^(−s/τ_e) ds = η M e τ_dτ_e/(τ_d + τ_e).
    @Test func decayingDopamineIntegratesToTheClosedForm() throws {
        let eta = 0.3, tauE = 0.1, tauD = 0.05, dt = 0.02
        let network = try policy(sigma: 0)
        let before = network.parameters.map(\.weights.storage)
        let rl = try learner(network, rule: .reinforce, eta: eta, trace: .exponential(tau: tauE), dt: dt,
                             dopamine: DopamineKinetics(decay: tauD))
        rl.reinforce(reward: 2)
        rl.advance()
        _ = rl.act([0.4, -1.2, 0.7])
        let e = (0..<2).map { traceValues(rl, layer: $0) }
        rl.reinforce(reward: 5)
        rl.advance()
        for _ in 0..<3 { _ = rl.act([0, 0, 0]); rl.advance() }
        rl.endEpisode()
        for l in 0..<2 {
            for i in before[l].indices {
                let expected = before[l][i] + eta * 0.6 * e[l][i] * tauD * tauE / (tauD + tauE)
                #expect(abs(network.parameters[l].weights.storage[i] - expected) < 1e-12)
            }
        }
    }

    @Test func invalidPoliciesAreRejected() throws {
        #expect(throws: NetworkError.self) { try learner(try policy(sigma: 0), rule: .nrl) }
        let linearOut = try Network(inputSize: 2, populations: [Population(size: 2, activation: .linear)],
                                    initializer: .xavierNormal, rng: RandomGenerator(.taus2, seed: 1))
        #expect(throws: NetworkError.self) { try learner(linearOut, rule: .reinforce) }
    }
}

/// Each instance of an environment batch keeps its own trace and receives its own dopamine.
@Suite struct EnvironmentBatchEngineTests {
    @Test func instancesKeepTheirOwnTracesAndDopamine() throws {
        let network = try PolicyLearnerTests().policy(sigma: 0.05)
        var rule = PlasticityRule.rewardModulatedHebbian(learningRate: 0.3, sigma: 0.05)
        rule.modulator = Modulation(baseline: .none)
        let engine = try PlasticityEngine(
            rule: rule, network: network, probeStreams: InstanceStreams(.taus2, seed: 1, base: 300, count: 2),
            intrinsicStreams: InstanceStreams(.taus2, seed: 1, base: 100, count: 2),
            environments: EnvironmentBatch(instances: 2, dt: 0.02, policyStreams: InstanceStreams(.taus2, seed: 1, base: 200, count: 2)))
        let x = [[0.4, -1.2, 0.7], [-0.3, 0.5, 0.9]]
        let before = network.parameters
        _ = engine.act(Matrix(x))
        let xi = network.noise, hidden = network.rates[0]
        for n in 0..<2 {
            let e = engine.episodic!.traces[n][0][0].withValues(instance: 0) { Array($0) }
            for j in 0..<4 { for i in 0..<3 { #expect(e[j * 3 + i] == xi[0][n, j] * x[n][i]) } }
            let e2 = engine.episodic!.traces[n][1][0].withValues(instance: 0) { Array($0) }
            for k in 0..<2 { for j in 0..<4 { #expect(e2[k * 4 + j] == xi[1][n, k] * hidden[n, j]) } }
        }
        engine.reinforce(instance: 1, reward: 2)  // no baseline, no normalization: M = 2 for instance 1 only
        engine.advance()
        let e1 = engine.episodic!.traces[1][0][0].withValues(instance: 0) { Array($0) }
        for k in 0..<12 {
            #expect(abs(network.parameters[0].weights.storage[k] - (before[0].weights.storage[k] + 0.3 * 2 * e1[k])) < 1e-15)
        }
        #expect(network.parameters[0].bias == before[0].bias)
    }
}
