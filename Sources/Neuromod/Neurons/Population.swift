/// A population of rate neurons: size, transfer function, optional leak and intrinsic noise.
///
/// Each instance's rate follows
///
///     z = W x + b (+ σ_z ξ if noise is on the pre-activation)
///     r ← a r + (1 − a) φ(z),  a = e^(−1/τ)   (exact exponential Euler over one step)
///     r ← r (+ σ_r ξ if noise is on the output)
///
/// with τ = `leakSteps`; with no leak (`leakSteps == nil`) one step is a feedforward pass, r = φ(z),
/// and σ_z = σ_r = σ. With a leak the noise is scaled so that σ is the stationary standard deviation
/// it gives the rate of a linear neuron, whatever the step: σ_r = σ √(1 − a²) (an Ornstein–Uhlenbeck
/// process sampled exactly) and σ_z = σ √((1 + a)/(1 − a)). Halving dt (doubling τ in steps) then
/// leaves the rate's noise variance unchanged. ``init(size:activation:leak:dt:noise:)`` takes τ in
/// seconds.
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `size` | neurons | — | number of neurons (> 0) |
/// | `activation` | — | — | transfer function φ |
/// | `leakSteps` | steps | nil | leak time constant τ; nil means no memory |
/// | `noise` | — | nil | white Gaussian noise per neuron per instance per step |
public struct Population: Sendable, Equatable {
    public var size: Int
    public var activation: Activation
    public var leakSteps: Double?
    public var noise: IntrinsicNoise?

    public init(size: Int, activation: Activation, leakSteps: Double? = nil, noise: IntrinsicNoise? = nil) {
        self.size = size
        self.activation = activation
        self.leakSteps = leakSteps
        self.noise = noise
    }

    /// A population whose leak time constant is `leak` seconds on a clock of step `dt` seconds.
    public init(size: Int, activation: Activation, leak: Double, dt: Double, noise: IntrinsicNoise? = nil) {
        self.init(size: size, activation: activation, leakSteps: leak / dt, noise: noise)
    }

    /// The factor on σ that keeps the rate's stationary noise variance independent of the step (1 without leak).
    public var noiseScale: Double {
        guard let noise, leakSteps != nil else { return 1 }
        let a = retention
        switch noise.site {
        case .output: return (1 - a * a).squareRoot()
        case .preActivation: return ((1 + a) / (1 - a)).squareRoot()
        }
    }

    /// The fraction of the previous rate kept after one step, e^(−1/τ) (0 with no leak).
    public var retention: Double {
        guard let tau = leakSteps else { return 0 }
        return _exp(-1 / tau)
    }
}

/// Where intrinsic noise enters a neuron.
public enum NoiseSite: String, Sendable, Equatable, CaseIterable {
    /// Added to z before the transfer function (noisy input current).
    case preActivation = "pre-activation"
    /// Added to the rate after the transfer function (the thesis's node perturbation, Algorithm 3).
    case output
}

/// White Gaussian noise N(0, σ²), independent per neuron, per instance and per step, drawn from the
/// instance's own stream.
public struct IntrinsicNoise: Sendable, Equatable {
    public var site: NoiseSite
    public var sigma: Double

    public init(site: NoiseSite, sigma: Double) {
        self.site = site
        self.sigma = sigma
    }
}

import Foundation
@inline(__always) func _exp(_ x: Double) -> Double { Foundation.exp(x) }
