/// A population of rate neurons: size, transfer function, optional leak and intrinsic noise.
///
/// Each instance's rate follows
///
///     z = W x + b (+ σ ξ if noise is on the pre-activation)
///     r ← e^(−1/τ) r + (1 − e^(−1/τ)) φ(z)      (exact exponential Euler over one step)
///     r ← r (+ σ ξ if noise is on the output)
///
/// with τ = `leakSteps`; with no leak (`leakSteps == nil`) one step is a feedforward pass, r = φ(z).
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
